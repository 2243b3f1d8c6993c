/**
 * Probes for bench/editor/llm-probe.worker.js, evaluated before the app's llm
 * worker module (imported right after this one), so the message listener
 * below runs before Comlink's and the postMessage wrapper is in place before
 * the first reply.
 */
const arrived = new Map();
const epoch = () => performance.timeOrigin + performance.now();

self.addEventListener('message', (ev) => {
  const d = ev.data;
  if (d && d.type === 'APPLY' && Array.isArray(d.path) && d.path[0] === 'completeFim') arrived.set(d.id, epoch());
});

const post = self.postMessage.bind(self);
self.postMessage = (msg, transfer) => {
  const at = msg && msg.id ? arrived.get(msg.id) : undefined;
  if (at !== undefined) {
    arrived.delete(msg.id);
    const replyAt = epoch();
    post(msg, transfer);
    post({ __probe: { id: msg.id, arrivedAt: at, replyAt } });
    return;
  }
  post(msg, transfer);
};

