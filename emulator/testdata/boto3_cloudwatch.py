"""CloudWatch through boto3 in each of CloudWatch's protocols, against the endpoint in argv[1].

botocore picks the first protocol of the service model it supports; to try each protocol with
one installation, the model is copied with its protocol list narrowed to argv[2] and put first
on botocore's data path (AWS_DATA_PATH). Prints one JSON line of what came back; errors are
reported, not raised, so the Go test shows them.
"""
import datetime
import json
import os
import sys
import tempfile

endpoint, protocol = sys.argv[1], sys.argv[2]

import botocore.session  # noqa: E402

base = botocore.session.get_session()
model = base.get_component("data_loader").load_service_model("cloudwatch", "service-2")
supported = model["metadata"].get("protocols", [model["metadata"]["protocol"]])
if protocol not in supported:
    print(json.dumps({"skipped": "botocore %s's CloudWatch model has protocols %s" % (botocore.__version__, supported)}))
    sys.exit(0)
model["metadata"]["protocol"] = protocol
model["metadata"]["protocols"] = [protocol]
data = tempfile.mkdtemp()
version_dir = os.path.join(data, "cloudwatch", model["metadata"]["apiVersion"])
os.makedirs(version_dir)
with open(os.path.join(version_dir, "service-2.json"), "w") as f:
    json.dump(model, f)
os.environ["AWS_DATA_PATH"] = data

session = botocore.session.get_session()
cw = session.create_client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="x", aws_secret_access_key="y")
out = {"protocol": cw.meta.service_model.protocol, "botocore": botocore.__version__}
ns = "Conformance/" + protocol
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
at = now - datetime.timedelta(seconds=30)
dims = [{"Name": "Host", "Value": "a"}]
cw.put_metric_data(Namespace=ns, MetricData=[
    {"MetricName": "Hits", "Dimensions": dims, "Timestamp": at, "Value": 5, "Unit": "Count"},
    {"MetricName": "Hits", "Dimensions": dims, "Timestamp": at, "Values": [7, 11], "Counts": [1, 2], "Unit": "Count"},
])
start, end = now - datetime.timedelta(minutes=10), now + datetime.timedelta(minutes=1)
r = cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
    {"Id": "m", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "Hits", "Dimensions": dims}, "Period": 60, "Stat": "Sum"}}])
res = r["MetricDataResults"][0]
out["gmd"] = {"values": res["Values"], "status": res["StatusCode"],
              "timestamps": [int(t.timestamp()) for t in res["Timestamps"]]}
out["request_id"] = r["ResponseMetadata"]["RequestId"]
s = cw.get_metric_statistics(Namespace=ns, MetricName="Hits", Dimensions=dims, StartTime=start, EndTime=end,
                             Period=60, Statistics=["Sum", "SampleCount", "Maximum"])
out["gms"] = [{"sum": d["Sum"], "count": d["SampleCount"], "max": d["Maximum"], "unit": d["Unit"],
               "at": int(d["Timestamp"].timestamp())} for d in s["Datapoints"]]
out["metrics"] = sorted(m["MetricName"] for m in cw.list_metrics(Namespace=ns)["Metrics"])
try:
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "M", "Value": 1, "Unit": "Parsecs"}])
    out["error"] = None
except cw.exceptions.ClientError as e:
    out["error"] = {"code": e.response["Error"]["Code"], "class": type(e).__name__, "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
out["at"] = int(at.timestamp())
print(json.dumps(out))
