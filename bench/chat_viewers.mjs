// Viewers for bench/chat_fanout.py: `count` STOMP 1.2 viewers over WebSocket (the `ws` library from npm).
//
// Why Node and not Python: the load client shares the 2 cores with the server, and 2,000 viewers × 20
// messages/s is 40,000 WebSocket messages a second to receive; the Python `websockets` client spent about a
// core on that, so it measured its own queueing as much as the server's. `ws` receives the same with a fraction
// of a core, for the app and for the plain-websockets ceiling alike.
//
// Protocol with the parent: argv[2] is JSON {urls, count, broadcast, run, seconds, messages, warmup}; prints
// "ready" once every viewer is subscribed, waits for a line on stdin ("go"), receives for `seconds` + 3 s, then
// prints one JSON line {latencies (ms), received, connected, dropped} of the messages numbered `warmup` and
// above (the first ones are received and recorded the same way, so the handler is warm when counting starts).
//
// bench/live_drop.py uses the drop mode (spec.rounds > 0): the viewers also subscribe to the room's events
// topic and note when each first hears that the product on air sold out (a stock event with sold_out true).
// Each round the parent writes "go <run> <item_id>", later "report <from_ms> <to_ms>"; the viewers answer one
// JSON line {latencies (ms, of the chat messages sent between from and to), received (messages of the round),
// sold_out (per viewer: wall-clock ms of the sold-out event, 0 if none), connected, dropped}.
//
// What a run records lives in typed arrays allocated before it starts: kept in growing arrays and Sets, the
// records of 1,000 viewers × 200+ messages were promoted to V8's old space and a full collection paused
// this process mid-run, 50–100 ms of "latency" that every server, the ceiling included, was charged with.
import { createInterface } from "node:readline";
import WebSocket from "ws";

const { urls, count, broadcast, run, seconds, messages, warmup, rounds = 0 } = JSON.parse(process.argv[2]);
const NUL = "\u0000";
const PATTERN = /bench (\w+) (\d+\.\d+) (\d+)/g;
const frame = (command, headers, body = "") =>
  [command, ...Object.entries(headers).map(([k, v]) => `${k}:${v}`)].join("\n") + "\n\n" + body + NUL;
const now = () => performance.timeOrigin + performance.now(); // wall clock in ms, sub-millisecond

const latencies = new Float64Array(count * messages); // viewer × message number, ms
const seen = new Uint8Array(count * messages); // viewer × message number: received already
const sentAt = new Float64Array(messages); // message number: wall-clock ms it was sent (drop mode)
const soldOutAt = new Float64Array(count); // viewer: wall-clock ms it heard the item sold out (drop mode)
const SOLD_OUT = /"type":"stock","item_id":(\d+)[^\u0000]*?"sold_out":true/g;
let runTag = run;
let item = "";
let connected = 0;
let dropped = 0;
let counting = false;
const sockets = [];

function viewer(index) {
  return new Promise((resolve, reject) => {
    const url = urls[index % urls.length];
    const origin = url.replace("ws://", "http://").split("/ws/")[0];
    const ws = new WebSocket(url, ["v12.stomp"], { origin, perMessageDeflate: false });
    sockets.push(ws);
    let subscribed = false;
    ws.on("open", () =>
      ws.send(frame("CONNECT", { "accept-version": "1.2", "heart-beat": "0,0", host: "bench" })),
    );
    ws.on("message", (data) => {
      const at = now();
      const text = data.toString();
      if (!subscribed) {
        if (text.startsWith("CONNECTED")) {
          subscribed = true;
          ws.send(frame("SUBSCRIBE", { id: "sub-0", destination: `/topic/live.${broadcast}.chat` }));
          if (rounds) ws.send(frame("SUBSCRIBE", { id: "sub-1", destination: `/topic/live.${broadcast}.events` }));
          connected += 1;
          resolve();
        }
        return;
      }
      if (!counting) return;
      for (const match of text.matchAll(PATTERN)) {
        const number = Number(match[3]);
        const slot = index * messages + number;
        if (match[1] !== runTag || number >= messages || seen[slot]) continue;
        seen[slot] = 1;
        sentAt[number] = Number(match[2]) * 1000;
        latencies[slot] = at - sentAt[number];
      }
      if (rounds && !soldOutAt[index] && text.includes('"sold_out":true')) {
        for (const match of text.matchAll(SOLD_OUT)) if (match[1] === item) soldOutAt[index] = at;
      }
    });
    ws.on("error", reject);
    ws.on("close", () => {
      if (counting) dropped += 1; // a viewer the server dropped during the run counts as not delivered
      reject(new Error("closed"));
    });
  });
}

// At most 100 handshakes in flight, as a crowd arriving rather than a SYN flood.
let next = 0;
async function opener() {
  while (next < count) await viewer(next++);
}
await Promise.all(Array.from({ length: Math.min(100, count) }, opener));
process.stdout.write("ready\n");

const input = createInterface({ input: process.stdin });
if (rounds) {
  const lines = input[Symbol.asyncIterator]();
  for (let round = 0; round < rounds; round++) {
    [runTag, item] = (await lines.next()).value.split(" ").slice(1);
    seen.fill(0);
    soldOutAt.fill(0);
    sentAt.fill(0);
    counting = true;
    const [from, to] = (await lines.next()).value.split(" ").slice(1).map(Number);
    counting = false;
    const window = [];
    let received = 0;
    for (let index = 0; index < count; index++) {
      for (let number = warmup; number < messages; number++) {
        const slot = index * messages + number;
        if (!seen[slot]) continue;
        received += 1;
        if (sentAt[number] >= from && sentAt[number] < to) window.push(Math.round(latencies[slot] * 10) / 10);
      }
    }
    const result = { latencies: window, received, sold_out: Array.from(soldOutAt), connected, dropped };
    await new Promise((resolve) => process.stdout.write(JSON.stringify(result) + "\n", resolve));
  }
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}
await new Promise((resolve) => input.once("line", resolve));
counting = true;
await new Promise((resolve) => setTimeout(resolve, (seconds + 3) * 1000));
counting = false;
const counted = [];
for (let index = 0; index < count; index++) {
  for (let number = warmup; number < messages; number++) {
    const slot = index * messages + number;
    if (seen[slot]) counted.push(latencies[slot]);
  }
}
const result = { latencies: counted, received: counted.length, connected, dropped };
process.stdout.write(JSON.stringify(result) + "\n", () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
