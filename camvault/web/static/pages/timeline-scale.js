// Timeline view math, pure (no DOM): a view is { startMs, spanMs } (epoch ms UTC); zoom and pan
// keep the span within MIN_SPAN_MS..MAX_SPAN_MS; axis ticks fall on round times of the browser's
// time zone (local midnights and hours come from the local calendar, so a daylight-saving day has
// 23 or 25 hours and its labels skip or repeat an hour as the clock on the wall does).
export const MIN_SPAN_MS = 60_000;
export const MAX_SPAN_MS = 28 * 86_400_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const STEPS_MS = [5_000, 10_000, 15_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE,
  30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

export function clampSpan(spanMs) {
  return Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanMs));
}

// Zoom by `factor` (<1 zooms in) keeping the instant at `anchor` (0..1 of the width) in place.
export function zoom(view, factor, anchor = 0.5) {
  const spanMs = clampSpan(view.spanMs * factor);
  const atMs = view.startMs + view.spanMs * anchor;
  return { startMs: Math.round(atMs - spanMs * anchor), spanMs };
}

export function pan(view, fraction) {
  return { startMs: Math.round(view.startMs + view.spanMs * fraction), spanMs: view.spanMs };
}

export function centredOn(atMs, spanMs) {
  const span = clampSpan(spanMs);
  return { startMs: Math.round(atMs - span / 2), spanMs: span };
}

export function xOf(view, timeMs, widthPx) {
  return ((timeMs - view.startMs) / view.spanMs) * widthPx;
}

export function timeAt(view, xPx, widthPx) {
  return Math.round(view.startMs + (xPx / widthPx) * view.spanMs);
}

// About one pixel of time (the API joins runs and alarms closer than this), at least 1 s.
export function minGapMs(view, widthPx) {
  return Math.max(1000, Math.floor(view.spanMs / Math.max(1, widthPx)));
}

// The tick step: the smallest round step that leaves at least `minPx` between labels.
export function tickStepMs(view, widthPx, minPx = 90) {
  const wanted = (view.spanMs * minPx) / Math.max(1, widthPx);
  return STEPS_MS.find((s) => s >= wanted) || STEPS_MS[STEPS_MS.length - 1];
}

function offsetMs(timeMs) {
  return -new Date(timeMs).getTimezoneOffset() * MINUTE;
}

function alignedAtOrAfter(timeMs, stepMs) {
  const offset = offsetMs(timeMs);
  return Math.ceil((timeMs + offset) / stepMs) * stepMs - offset;
}

function subHourTicks(startMs, endMs, stepMs) {
  const ticks = [];
  for (let t = alignedAtOrAfter(startMs, stepMs); t <= endMs; t = alignedAtOrAfter(t + stepMs, stepMs)) {
    ticks.push(t);        // re-aligned on the local clock after each step (an offset change moves it)
  }
  return ticks;
}

function calendarTicks(startMs, endMs, stepMs) {
  const ticks = [];
  const first = new Date(startMs);
  const stepDays = Math.max(1, Math.round(stepMs / DAY));
  const stepHours = stepMs < DAY ? stepMs / HOUR : 24;
  let day = new Date(first.getFullYear(), first.getMonth(), first.getDate());
  if (stepDays === 7) day = new Date(day.getFullYear(), day.getMonth(), day.getDate() - ((day.getDay() + 6) % 7));
  for (let d = 0; ; d += stepMs < DAY ? 1 : stepDays) {
    const date = new Date(day.getFullYear(), day.getMonth(), day.getDate() + d);
    if (date.getTime() > endMs) break;
    for (let hour = 0; hour < 24; hour += stepHours) {
      const t = new Date(date.getFullYear(), date.getMonth(), date.getDate(), hour).getTime();
      if (new Date(t).getHours() !== hour) continue;             // an hour the DST change skipped
      if (t >= startMs && t <= endMs) ticks.push(t);
    }
  }
  return ticks;
}

// Ticks in [startMs, endMs] at round local times: [{ timeMs, major }] (major: a local midnight).
export function ticks(view, stepMs) {
  const endMs = view.startMs + view.spanMs;
  const times = stepMs < HOUR ? subHourTicks(view.startMs, endMs, stepMs) : calendarTicks(view.startMs, endMs, stepMs);
  return times.map((timeMs) => {
    const d = new Date(timeMs);
    return { timeMs, major: d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 };
  });
}

const HOURS = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const SECONDS = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const DAYS = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });

export function tickLabel(tick, stepMs) {
  const date = new Date(tick.timeMs);
  if (stepMs >= DAY || (tick.major && stepMs >= HOUR)) return DAYS.format(date);
  return (stepMs < MINUTE ? SECONDS : HOURS).format(date);
}

// Recorded ranges as [[startMs, endMs], ...] sorted and joined (alarm slices over regular ones).
export function union(ranges) {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    if (out.length && s <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], e);
    else out.push([s, e]);
  }
  return out;
}
