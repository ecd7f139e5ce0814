// Deaggregates Kinesis records with awslabs' aws-kinesis-agg (checksums checked): argv = its
// node_modules directory; stdin = one JSON record per line ({"data": base64, "partitionKey",
// "sequenceNumber"}); stdout = one JSON line: the user records in order, or the failure.
const { createRequire } = require("module");
const agg = createRequire(process.argv[2] + "/")("aws-kinesis-agg");
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
const out = { version: createRequire(process.argv[2] + "/")("aws-kinesis-agg/package.json").version, records: [], aggregated: 0 };
for (const line of lines) {
  const rec = JSON.parse(line);
  agg.deaggregateSync(rec, true, (err, users) => {
    if (err) {
      out.failure = String(err);
      return;
    }
    if (isAggregated(rec)) out.aggregated++;
    for (const u of users) out.records.push({ key: u.partitionKey, data: Buffer.from(u.data, "base64").toString(), ehk: u.explicitPartitionKey || "" });
  });
}
// The KPL's magic number opens every aggregated record.
function isAggregated(rec) {
  return Buffer.from(rec.data, "base64").slice(0, 4).toString("hex") === "f3899ac2";
}
console.log(JSON.stringify(out));
