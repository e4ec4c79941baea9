// Times in the browser's own time zone. Intl.DateTimeFormat applies the zone's rules for each
// instant (so an instant after a daylight-saving change shows the new offset); camvault's wire times
// are UTC (ISO-8601 with Z, or epoch ms).
const FORMAT = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  timeZoneName: "short",
});

export function toMs(time) {
  return typeof time === "number" ? time : Date.parse(time);
}

export function formatTime(time) {
  return FORMAT.format(new Date(toMs(time)));
}

export function timeZone() {
  return FORMAT.resolvedOptions().timeZone;
}
