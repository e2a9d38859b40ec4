// Tells the browser tests when the app has finished the run their last action asked for.
//
// The page's own "running" mark cannot say it: a click's request reaches the server a moment after the
// click, so "not running" right after an action proves nothing, and a short run may never show as
// running at all (the page draws both states at once). So this reads the socket itself, both ways:
// - a "request" is every BackMsg asking for a run (its first field is rerun_script, bytes 0x5a) and
//   every finished upload (the run that uses the file follows it);
// - a "start" is every ForwardMsg new_session (field 4: the server began a run);
// - a "finish" is every ForwardMsg script_finished (field 6) other than "finished early for a rerun"
//   (status 2), which is always followed by the next run of the same chain.
// The app is idle when its last finish came after the last request and after the last start, and no
// upload is under way. The server answers messages in order, so a finish after the request is the
// request's own (the tests wait for each run before the next action). A click or key press reaches the
// socket a few milliseconds after the page has handled it, so an input not yet followed by a request
// counts as pending for a moment (QUIET ms): long enough for its request to be sent, if it makes one.
(() => {
  const QUIET = 250;
  let tick = 0;
  let lastRequest = 0;
  let lastStart = 0;
  let lastFinish = -1;
  let lastInput = 0;
  let inputAt = 0;
  let uploads = 0;
  const seen = [];

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

  // The top-level fields of a protobuf message: [field, wire type, varint value or null].
  const fields = (bytes) => {
    const found = [];
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
      if (wire === 0) found.push([field, wire, varint()]);
      else if (wire === 2) {
        found.push([field, wire, null]);
        const length = varint(); // not "at += varint()": that adds to the offset read before the length
        at += length;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else break;
    }
    return found;
  };

  const received = (bytes) => {
    for (const [field, , value] of fields(bytes)) {
      if (field === 4) {
        lastStart = ++tick;
        seen.push(`start@${tick}`);
      } else if (field === 6) {
        seen.push(`finish${value}@${tick + 1}`);
        if (value === 2) ++tick;
        else lastFinish = ++tick;
      }
    }
    if (seen.length > 12) seen.splice(0, seen.length - 12);
  };

  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) received(new Uint8Array(event.data));
        else seen.push(`unread:${typeof event.data}`);
      });
    }
    send(data) {
      let first = null;
      if (data instanceof ArrayBuffer) first = new Uint8Array(data)[0];
      else if (ArrayBuffer.isView(data)) first = new Uint8Array(data.buffer, data.byteOffset, 1)[0];
      if (first === 0x5a) {
        lastRequest = ++tick;
        seen.push(`request@${tick}`);
      }
      return super.send(data);
    }
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

  const inputPending = () => lastInput > lastRequest && performance.now() - inputAt < QUIET;
  window.__ladderWatch = () => ({ lastRequest, lastStart, lastFinish, lastInput, uploads, tick, seen });
  window.__ladderIdle = () =>
    uploads === 0 && lastFinish > lastRequest && lastFinish > lastStart && !inputPending();
})();
