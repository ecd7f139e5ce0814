"""Kinesis through boto3 at its defaults against the endpoint in argv[1]: AWS's lifecycle (the
emulator runs with a CREATING and DELETING delay), writes, paginated ListShards, reads, and the
error shapes. Prints one JSON line; failures are reported in it, not raised."""
import json
import sys
import time

import boto3
import botocore

endpoint = sys.argv[1]
k = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="y")
out = {"botocore": botocore.__version__}
name = "py-%d" % int(time.time() * 1000)


def code(call):
    try:
        call()
        return None
    except k.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"], "class": type(e).__name__,
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "request_id": e.response["ResponseMetadata"].get("RequestId", "")}


try:
    k.create_stream(StreamName=name, ShardCount=3)
    out["after_create"] = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
    out["put_while_creating"] = code(lambda: k.put_record(StreamName=name, PartitionKey="k", Data=b"x"))
    k.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    out["after_wait"] = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
    put = k.put_records(StreamName=name, Records=[{"PartitionKey": "key-%d" % i, "Data": ("record %d" % i).encode()} for i in range(30)])
    out["put_failed"] = put["FailedRecordCount"]
    shards, pages, token = [], 0, None
    while True:
        page = k.list_shards(NextToken=token, MaxResults=1) if token else k.list_shards(StreamName=name, MaxResults=1)
        pages += 1
        shards += page["Shards"]
        token = page.get("NextToken")
        if not token:
            break
    out["shards"], out["list_pages"] = len(shards), pages
    got = []
    for sh in shards:
        it = k.get_shard_iterator(StreamName=name, ShardId=sh["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got += [r["Data"].decode() for r in k.get_records(ShardIterator=it)["Records"]]
    out["read_back"] = sorted(got)
    out["missing_stream"] = code(lambda: k.describe_stream_summary(StreamName="nope"))
    out["bad_hash_key"] = code(lambda: k.put_record(StreamName=name, PartitionKey="k", Data=b"x", ExplicitHashKey="abc"))
    k.create_stream(StreamName=name + "-od", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    k.get_waiter("stream_exists").wait(StreamName=name + "-od", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    out["reshard_on_demand"] = code(lambda: k.update_shard_count(StreamName=name + "-od", TargetShardCount=8, ScalingType="UNIFORM_SCALING"))
    k.delete_stream(StreamName=name)
    out["after_delete"] = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
    k.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    out["after_delete_wait"] = code(lambda: k.describe_stream_summary(StreamName=name))
except Exception as e:  # report, don't raise: the Go test prints it
    out["failure"] = repr(e)
print(json.dumps(out))
