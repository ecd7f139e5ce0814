// The AWS JS SDK v3 (@aws-sdk/client-kinesis, @aws-sdk/client-cloudwatch) at its defaults against
// the emulator: argv = endpoint, node_modules directory. Prints one JSON line of what came back;
// failures are reported in it rather than thrown, so the Go test shows them.
const [endpoint, modules] = process.argv.slice(2);
const { createRequire } = require("module");
const req = createRequire(modules + "/");
const K = req("@aws-sdk/client-kinesis");
const CW = req("@aws-sdk/client-cloudwatch");

const common = { endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" }, maxAttempts: 1 };
const out = { kinesisVersion: req("@aws-sdk/client-kinesis/package.json").version, cloudwatchVersion: req("@aws-sdk/client-cloudwatch/package.json").version };

async function kinesis() {
  const k = new K.KinesisClient(common);
  const name = "js-" + Date.now();
  await k.send(new K.CreateStreamCommand({ StreamName: name, ShardCount: 3 }));
  const waited = await K.waitUntilStreamExists({ client: k, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StreamName: name });
  out.waiter = waited.state;
  const records = [];
  for (let i = 0; i < 30; i++) records.push({ PartitionKey: "key-" + i, Data: Buffer.from("record " + i) });
  const put = await k.send(new K.PutRecordsCommand({ StreamName: name, Records: records }));
  out.putFailed = put.FailedRecordCount;
  out.requestId = put.$metadata.requestId || "";
  const shards = [];
  let pages = 0, token;
  do {
    const page = await k.send(new K.ListShardsCommand(token ? { NextToken: token, MaxResults: 1 } : { StreamName: name, MaxResults: 1 }));
    pages++;
    shards.push(...page.Shards);
    token = page.NextToken;
  } while (token);
  out.shards = shards.length;
  out.listPages = pages;
  const got = [];
  for (const sh of shards) {
    const it = await k.send(new K.GetShardIteratorCommand({ StreamName: name, ShardId: sh.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
    const recs = await k.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    for (const r of recs.Records) got.push(Buffer.from(r.Data).toString());
  }
  out.readBack = got.sort();
  try {
    await k.send(new K.DescribeStreamSummaryCommand({ StreamName: "nope" }));
    out.missingStream = null;
  } catch (e) {
    out.missingStream = { name: e.name, status: e.$metadata && e.$metadata.httpStatusCode, requestId: e.$metadata && e.$metadata.requestId };
  }
  k.destroy();
}

async function cloudwatch() {
  const c = new CW.CloudWatchClient(common);
  const ns = "JS/Conformance";
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = new Date(now.getTime() - 30000);
  const dims = [{ Name: "Host", Value: "a" }];
  await c.send(new CW.PutMetricDataCommand({ Namespace: ns, MetricData: [
    { MetricName: "Hits", Dimensions: dims, Timestamp: at, Value: 5, Unit: "Count" },
    { MetricName: "Hits", Dimensions: dims, Timestamp: at, Values: [7, 11], Counts: [1, 2], Unit: "Count" }] }));
  const start = new Date(now.getTime() - 600000), end = new Date(now.getTime() + 60000);
  const gmd = await c.send(new CW.GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: [
    { Id: "m", MetricStat: { Metric: { Namespace: ns, MetricName: "Hits", Dimensions: dims }, Period: 60, Stat: "Sum" } }] }));
  const r = gmd.MetricDataResults[0];
  out.gmd = { values: r.Values, status: r.StatusCode, timestamps: r.Timestamps.map((t) => Math.floor(t.getTime() / 1000)) };
  const gms = await c.send(new CW.GetMetricStatisticsCommand({ Namespace: ns, MetricName: "Hits", Dimensions: dims, StartTime: start, EndTime: end, Period: 60, Statistics: ["Sum", "SampleCount", "Maximum"] }));
  out.gms = gms.Datapoints.map((d) => ({ sum: d.Sum, count: d.SampleCount, max: d.Maximum, unit: d.Unit, at: Math.floor(d.Timestamp.getTime() / 1000) }));
  const lm = await c.send(new CW.ListMetricsCommand({ Namespace: ns }));
  out.metrics = lm.Metrics.map((m) => m.MetricName);
  try {
    await c.send(new CW.PutMetricDataCommand({ Namespace: ns, MetricData: [{ MetricName: "M", Value: 1, Unit: "Parsecs" }] }));
    out.cwError = null;
  } catch (e) {
    out.cwError = { name: e.name, code: e.Code || e.name, status: e.$metadata && e.$metadata.httpStatusCode };
  }
  out.at = Math.floor(at.getTime() / 1000);
  c.destroy();
}

(async () => {
  for (const [name, f] of [["kinesis", kinesis], ["cloudwatch", cloudwatch]]) {
    try {
      await f();
    } catch (e) {
      out[name + "Failure"] = String(e && e.stack || e);
    }
  }
  console.log(JSON.stringify(out));
})();
