// Tells the browser tests when the app has finished the run their last action asked for.
//
// Streamlit marks its root with the script's state, but a click's request reaches the server a moment
// after the click, so "not running" right after an action proves nothing. This watches both sides:
// every request for a run (a BackMsg whose first field is rerun_script, bytes 0x5a) and every finished
// upload (the run that uses the file follows it) is a "request"; the app is idle when the script is not
// running and its last run ended after the last request. A click or key press reaches the socket a few
// milliseconds later (after the page has handled it), so an input not yet followed by a request counts
// as pending for a moment (QUIET ms): long enough for its request to be sent, if it makes one.
(() => {
  const QUIET = 250;
  let tick = 0;
  let lastRequest = 0;
  let lastInput = 0;
  let inputAt = 0;
  let lastFinish = -1;
  let state = null;
  let uploads = 0;

  for (const kind of ["click", "keydown", "change"]) {
    document.addEventListener(
      kind,
      () => {
        lastInput = ++tick;
        inputAt = performance.now();
      },
      true,
    );
  }

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    let first = null;
    if (data instanceof ArrayBuffer) first = new Uint8Array(data)[0];
    else if (ArrayBuffer.isView(data)) first = new Uint8Array(data.buffer, data.byteOffset, 1)[0];
    if (first === 0x5a) lastRequest = ++tick;
    return send.call(this, data);
  };

  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (String(url).includes("/_stcore/upload_file")) {
      uploads += 1;
      this.addEventListener("loadend", () => {
        uploads -= 1;
        lastRequest = ++tick;
      });
    }
    return open.call(this, method, url, ...rest);
  };

  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const now = app ? app.getAttribute("data-test-script-state") : null;
    if (now === state) return;
    if (now === "notRunning") lastFinish = ++tick;
    state = now;
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-test-script-state"] });

  const inputPending = () => lastInput > lastRequest && performance.now() - inputAt < QUIET;
  window.__ladderWatch = () => ({ state, lastRequest, lastFinish, lastInput, uploads, tick });
  window.__ladderIdle = () => state === "notRunning" && uploads === 0 && lastFinish > lastRequest && !inputPending();
})();
