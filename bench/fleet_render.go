package main

import (
	"fmt"
	"strings"
)

// renderFleet adds a fleet situation's own section: what its contenders are, and the clients'
// table (online/offline, what the application waited, the records put offline, the burst).
func renderFleet(b *strings.Builder, sit Situation, cells []CellResult) {
	b.WriteString("\nContenders (one implementation with `run --producer putrecords|putrecord --clients N`: package fleet; all clients share one HTTP pool, ≤ 1,024 requests in flight):\n\n")
	for _, c := range sit.contenders() {
		fmt.Fprintf(b, "- `%s`: %s\n", c.Name, c.Title)
	}
	for _, c := range cells {
		if f := c.Fleet; c.Error == "" && f != nil {
			fmt.Fprintf(b, "\nConnectivity `%s`: every client offline from %s for %s, then all reconnect at once. The emulator adds %s to every request (the network to the service).\n",
				f.Connectivity, seconds(f.OutageAtSeconds), seconds(f.OutageForSeconds), nonEmptyOr(sit.Latency, "nothing"))
			break
		}
	}
	b.WriteString(`
- **Put latency** is the application's side: from handing a record to its client to the client's acknowledged success, split by whether the clients were online or offline when it was put (an offline put waits for the network, then for the burst).
- **Records**: acknowledged by the clients; stored = the emulator's count (ground truth); put offline = handed over during the outage (buffered), and where those ended.
- **Throttled** = Kinesis records refused for throughput ÷ offered, from the start to the outage, and from the reconnect to the end of the run (the burst and its drain); stored records/s over the same spans (to the end of the load).

`)
	b.WriteString("| Contender | Clients | Min online / max offline | Reconnects | Peak buffering clients / records | Put p50 / p99 ms, online | Put p50 / p99 ms, offline | Acknowledged | Stored | Put offline → delivered / failed / pending | Throttled before outage | Throttled after reconnect | Stored records/s before / after reconnect |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range cells {
		f := c.Fleet
		if c.Error != "" || f == nil {
			continue
		}
		fmt.Fprintf(b, "| `%s` | %s | %s / %s | %s | %s / %s | %s / %s | %s / %s | %s | %s | %s → %s / %s / %s | %s | %s | %s / %s |\n",
			c.Contender, formatInt(int64(f.Clients)), formatInt(int64(f.MinOnline)), formatInt(int64(f.MaxOffline)), formatInt(f.Reconnects),
			formatInt(int64(f.PeakBuffering)), formatInt(f.PeakBuffered),
			formatMs(f.OnlineP50Ms), formatMs(f.OnlineP99Ms), formatMs(f.OfflineP50Ms), formatMs(f.OfflineP99Ms),
			formatInt(c.Buckets.Delivered), formatInt(c.Accounting.GroundTruth),
			formatInt(f.OfflinePut), formatInt(f.OfflineDelivered), formatInt(f.OfflineFailed+f.OfflineExpired), formatInt(f.OfflinePending),
			formatPct(f.ThrottledBeforeOutage), formatPct(f.ThrottledAfterReconnect),
			formatFloat(f.RecordsPerSecBefore, 0), formatFloat(f.RecordsPerSecAfter, 0))
	}
}

func nonEmptyOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
