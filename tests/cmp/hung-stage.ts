/**
 * A generate stage that hangs, for budget.test.ts: it starts a child in a process group of its
 * own (as kustomize and helm run), which starts a second sleeper in that group, and then waits
 * forever. The watchdog of a 1 s budget must kill both and exit with status 1.
 * Usage: node hung-stage.js RECORDS_FOLDER (the pids are written there).
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { Deadline } from "../../plugin/cmp/budget.js";
import { startWatchdog } from "../../plugin/cmp/watchdog.js";

const records = process.argv[2] ?? ".";
const deadline = new Deadline(1);
startWatchdog(deadline);
deadline.enter("placeholder resolution");

const leaderFile = path.join(records, "leader.pid");
const memberFile = path.join(records, "member.pid");
spawn("/bin/sh", ["-c", `echo $$ > '${leaderFile}'; sleep 60 & echo $! > '${memberFile}'; wait`], { detached: true, stdio: "ignore" });

// Keeps the event loop busy the way a stage waiting on a socket would.
setInterval(() => undefined, 1_000);
