// DuckDB's SQL parser for one command, closed when the command is done.
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";

export async function withParser<T>(work: (parser: NodeSqlReferenceParser) => Promise<T>): Promise<T> {
  const parser = await NodeSqlReferenceParser.create();
  try {
    return await work(parser);
  } finally {
    parser.close();
  }
}
