// A producer shardstorm did not write: AWS's JS SDK v3 (@aws-sdk/client-kinesis) writing to a
// stream at a steady rate, for the tests where `shardstorm watch` diagnoses someone else's
// producer. It paces itself by the clock (the records due by now, not one after another's
// answer), retries nothing (maxAttempts 1: every throttle counts), and prints its totals as one
// JSON line at the end.
//
// argv: modules endpoint stream recordsPerSec recordBytes hotShare api seconds
//   hotShare  0..1: that share of records use the key "hot-key", the rest uniform random keys
//   api       PutRecords (batches of up to 500) or PutRecord (one call per record)
const [modules, endpoint, stream, rateArg, sizeArg, hotArg, api, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg), size = Number(sizeArg), hot = Number(hotArg), seconds = Number(secondsArg);
function usage(msg) {
  process.stderr.write("writer.cjs: " + msg + "\nargs: modules endpoint stream recordsPerSec recordBytes hotShare(0..1) PutRecords|PutRecord seconds\n");
  process.exit(2);
}
if (!stream) usage("stream is required");
if (!(rate > 0)) usage("recordsPerSec must be positive, got " + rateArg);
if (!(size >= 1 && size <= 1048576)) usage("recordBytes must be 1..1048576, got " + sizeArg);
if (!(hot >= 0 && hot <= 1)) usage("hotShare must be within 0..1, got " + hotArg);
if (api !== "PutRecords" && api !== "PutRecord") usage("api must be PutRecords or PutRecord, got " + api);
if (!(seconds > 0)) usage("seconds must be positive, got " + secondsArg);

const { createRequire } = require("module");
const req = createRequire(modules + "/");
const K = req("@aws-sdk/client-kinesis");
const client = new K.KinesisClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" }, maxAttempts: 1 });

// due: records the clock scheduled; records: those sent (fewer when the writer could not keep
// up: at most maxInFlight requests at once). Never silently slower than asked.
const totals = { api, due: 0, records: 0, bytes: 0, succeeded: 0, failed: 0, throttled: 0, requests: 0, requestErrors: 0, errors: {}, seconds: 0 };
const data = Buffer.alloc(size, 120);
function key() {
  return Math.random() < hot ? "hot-key" : "k-" + Math.floor(Math.random() * 1e12).toString(36);
}
function fail(code, n) {
  totals.failed += n;
  totals.errors[code] = (totals.errors[code] || 0) + n;
  if (code === "ProvisionedThroughputExceededException") totals.throttled += n;
}

// At most this many requests at once (PutRecords batches or PutRecord calls).
const maxInFlight = 64;
let inFlight = 0;
async function send(n) {
  totals.records += n;
  const records = [];
  for (let i = 0; i < n; i++) {
    const k = key();
    records.push({ PartitionKey: k, Data: data });
    totals.bytes += size + Buffer.byteLength(k);
  }
  inFlight++;
  try {
    if (api === "PutRecords") {
      totals.requests++;
      const out = await client.send(new K.PutRecordsCommand({ StreamName: stream, Records: records }));
      for (const r of out.Records) {
        if (r.ErrorCode) fail(r.ErrorCode, 1);
        else totals.succeeded++;
      }
    } else {
      totals.requests++;
      try {
        await client.send(new K.PutRecordCommand({ StreamName: stream, PartitionKey: records[0].PartitionKey, Data: records[0].Data }));
        totals.succeeded++;
      } catch (e) {
        fail(e.name || "Error", 1);
      }
    }
  } catch (e) {
    totals.requestErrors++;
    fail(e.name || "Error", n);
  } finally {
    inFlight--;
  }
}

async function main() {
  const start = Date.now();
  const end = start + seconds * 1000;
  let due = 0;
  const pending = new Set();
  while (Date.now() < end) {
    const elapsed = (Date.now() - start) / 1000;
    let n = Math.floor(rate * elapsed) - due;
    // Send what is due by the clock; when the service is slower than the rate, the records are
    // still counted as due (sent late), never silently dropped from the schedule.
    while (n > 0 && inFlight < maxInFlight) {
      const batch = Math.min(n, api === "PutRecords" ? 500 : 1);
      n -= batch;
      due += batch;
      const p = send(batch);
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  totals.due = Math.floor(rate * seconds);
  await Promise.all(pending);
  totals.seconds = (Date.now() - start) / 1000;
  process.stdout.write(JSON.stringify(totals) + "\n");
}
main().catch((e) => {
  process.stderr.write("writer.cjs: " + (e.stack || e) + "\n");
  process.exit(1);
});
