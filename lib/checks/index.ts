export { failingRowsSql, checkLabel, stripTrailingSemicolon } from "./sql";
export { runChecks, blockingFailures, describeFailure, type CheckResult } from "./run";
