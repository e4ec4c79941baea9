"""The passive screen's page: one self-contained HTML document (inline CSS and JS, nothing fetched
from elsewhere) for a wall display. It shows what its event stream (`/screens/<id>/events`) says:
an MJPEG `<img>` of a camera stream or of a mosaic, or a message. The page forwards its own
`user`, `pass`, `_username`, `_password` and `compr` URL arguments to the event stream and to the
MJPEG URLs, and tells the event stream its display size in device pixels (`width`, `height`).

State for tests and kiosk scripts: `body[data-state]` (connecting, showing, deleted), and
`body[data-camera-id]` / `body[data-group-id]` (empty when none).
"""

from __future__ import annotations

import html

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: #000; overflow: hidden; cursor: none;
  font-family: "DejaVu Sans", Arial, sans-serif; }}
#picture {{ position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }}
#message {{ position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: #aaa; font-size: 4vh; text-align: center; padding: 0 5vw; }}
#caption {{ position: absolute; right: 1.5vw; bottom: 1.5vh; color: #fff; font-size: 2.5vh;
  text-shadow: 0 0 4px #000, 0 0 2px #000; }}
[hidden] {{ display: none !important; }}
</style>
</head>
<body data-screen-id="{screen_id}" data-state="connecting" data-camera-id="" data-group-id="">
<img id="picture" alt="" hidden>
<div id="message">Connecting&hellip;</div>
<div id="caption"></div>
<script>
(() => {{
  "use strict";
  const screenId = {screen_id};
  const body = document.body, img = document.getElementById("picture");
  const message = document.getElementById("message"), caption = document.getElementById("caption");
  const page = new URLSearchParams(location.search);
  const kept = new URLSearchParams();
  for (const key of ["user", "pass", "_username", "_password", "compr"]) {{
    if (page.has(key)) kept.set(key, page.get(key));
  }}
  if (page.get("caption") === "0") caption.hidden = true;
  let source = null, current = null, retry = null;

  function withParams(url, extra) {{
    const query = new URLSearchParams(kept);
    for (const [key, value] of Object.entries(extra || {{}})) query.set(key, value);
    const text = query.toString();
    return text ? url + (url.includes("?") ? "&" : "?") + text : url;
  }}

  function displaySize() {{
    const ratio = window.devicePixelRatio || 1;
    return {{width: Math.round(window.innerWidth * ratio), height: Math.round(window.innerHeight * ratio)}};
  }}

  function show(state) {{
    body.dataset.cameraId = state.cameraId == null ? "" : String(state.cameraId);
    body.dataset.groupId = state.groupId == null ? "" : String(state.groupId);
    caption.textContent = state.caption || "";
    const src = state.src ? withParams(state.src) : null;
    if (src !== current) {{
      current = src;
      if (src) {{ img.src = src; img.hidden = false; }} else {{ img.removeAttribute("src"); img.hidden = true; }}
    }}
    message.textContent = state.message || "";
    message.hidden = !state.message;
  }}

  function later(action, delayMs) {{
    clearTimeout(retry);
    retry = setTimeout(action, delayMs);
  }}

  function connect() {{
    if (source) source.close();
    source = new EventSource(withParams("/screens/" + screenId + "/events", displaySize()));
    source.addEventListener("screen", (event) => {{
      show(JSON.parse(event.data));
      body.dataset.state = "showing";
    }});
    source.addEventListener("deleted", () => {{
      source.close();
      show({{message: "This screen was removed"}});
      body.dataset.state = "deleted";
    }});
    source.onerror = () => {{
      if (source.readyState === EventSource.CLOSED && body.dataset.state !== "deleted") later(connect, 5000);
    }};
  }}

  img.addEventListener("error", () => {{
    // the picture failed (server restarting, camera gone): ask again what to show
    current = null;
    img.hidden = true;
    later(connect, 1000);
  }});
  connect();
}})();
</script>
</body>
</html>
"""


def screen_page(screen_id: int, name: str) -> str:
    return PAGE.format(title=html.escape(f"{name} - camvault screen"), screen_id=int(screen_id))
