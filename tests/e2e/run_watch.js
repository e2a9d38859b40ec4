// Tells the browser tests when the app has finished the run their last action asked for.
//
// Streamlit marks its root with the script's state, but a click's request reaches the server a moment
// after the click, so "not running" right after an action proves nothing; and a short run may never show
// as "running" at all (the page draws both states at once). This watches both sides of the socket:
// every request for a run (a BackMsg whose first field is rerun_script, bytes 0x5a) and every finished
// upload (the run that uses the file follows it) is a "request"; every ForwardMsg saying a run finished
// (field 6, script_finished, other than "finished early for a rerun") is a "finish". The app is idle
// when the script is not running and its last run finished after the last request. A click or key press reaches the socket a few
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

  const finishesRun = (bytes) => {
    // The message's top-level protobuf fields, until script_finished (6) is found.
    let at = 0;
    const varint = () => {
      let value = 0;
      let shift = 0;
      let byte = 0x80;
      while (byte & 0x80 && at < bytes.length) {
        byte = bytes[at++];
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      }
      return value;
    };
    while (at < bytes.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire === 0) {
        const value = varint();
        if (field === 6) return value !== 2;
      } else if (wire === 2) at += varint();
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return false;
    }
    return false;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer && finishesRun(new Uint8Array(event.data))) lastFinish = ++tick;
      });
    }
  };

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
