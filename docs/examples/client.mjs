// A client of the cesu-rules service in JavaScript (Node 18+, no dependency): one estimate,
// an error handled as data, many estimates at once, and the offline Urssaf sandbox.
//
//   cesu-rules serve &                       # http://127.0.0.1:8080
//   node docs/examples/client.mjs            # CESU_URL and CESU_RULES_TOKEN if needed
const base = process.env.CESU_URL ?? "http://127.0.0.1:8080";
const headers = { "content-type": "application/json" };
if (process.env.CESU_RULES_TOKEN) headers.authorization = `Bearer ${process.env.CESU_RULES_TOKEN}`;

async function post(path, body) {
  const response = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, ruleset: response.headers.get("x-cesu-ruleset"), body: await response.json() };
}

// One month: April 2024, 10 hours at 12.00 € net. Money comes as decimal strings.
const one = await post("/v1/estimate", { month: "2024-04", hours: 10, net_hourly: "12.00" });
console.log(`estimate: HTTP ${one.status}, gross ${one.body.gross} €, Urssaf debit ${one.body.urssaf_debit} €, total cost ${one.body.total_cost} € (ruleset ${one.ruleset.split(" ")[0]})`);
for (const line of one.body.lines.slice(0, 3)) console.log(`  ${line.side} ${line.code}: ${line.amount} €`);

// A mistake is data: a stable code, a message to show, the field and the value.
const bad = await post("/v1/estimate", { month: "2024-04", hours: 10, net_hourly: "12,50" });
console.log(`error: HTTP ${bad.status}, ${bad.body.error.code} on ${bad.body.error.field}: ${bad.body.error.message}`);

// Many estimates at once, column by column (the batch engine: the same cents).
const many = await post("/v1/estimates", {
  columns: { month: ["2024-04", "2026-07", "2026-07"], hours: ["10", "120", "8"], net_hourly: ["12.00", "14.00", "5.00"] },
});
console.log(`estimates: ${many.body.count} rows, ${many.body.failed} refused; total costs ${many.body.figures.total_cost.join(", ")}`);
for (const e of many.body.errors) console.log(`  row ${e.index}: ${e.code}`);

// The Urssaf estimate, offline: the wire format in and out (fields of the API Tierce Déclaration).
const wire = await post("/v1/sandbox/urssaf-paje-1.0.0/estimer?month=2024-04", { nbHeures: 10, mntSalaireNetMensuel: 120.0, cdPostalEmployeur: "75011" });
console.log(`sandbox: HTTP ${wire.status}, mntCotiEmplAcharge ${wire.body.mntCotiEmplAcharge}, mntExoEmployeur ${wire.body.mntExoEmployeur}`);
