export { failingRowsSql, checkLabel, stripTrailingSemicolon } from "./sql";
export { runChecks, blockingFailures, describeFailure, type CheckResult } from "./run";
export { contractResult, schemaChanges, describeSchemaChanges, CONTRACT_CHECK, type SchemaChanges } from "./contract";
