// Monaco, served from the app's own bundle (never a CDN): the ESM build, its editor
// worker from node_modules, SQL completion of the tables the browser's DuckDB knows.
import { loader } from "@monaco-editor/react";

type Monaco = typeof import("monaco-editor");

export interface SchemaTable {
  name: string;
  columns: { name: string; type: string }[];
}

let loading: Promise<Monaco> | undefined;
let schema: SchemaTable[] = [];

/** Updates what SQL completion offers. */
export function setCompletionSchema(tables: SchemaTable[]): void {
  schema = tables;
}

const KEYWORDS = ["select", "from", "where", "group by", "order by", "limit", "join", "left join", "using", "with", "as", "and", "or", "not", "case", "when", "then", "else", "end", "distinct", "count", "sum", "avg", "min", "max", "cast", "date_trunc"];

function registerSqlCompletion(monaco: Monaco): void {
  monaco.languages.registerCompletionItemProvider("sql", {
    triggerCharacters: ["."],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn };
      const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
      const qualifier = /([A-Za-z_][A-Za-z0-9_]*)\.$/.exec(before)?.[1]?.toLowerCase();
      const { CompletionItemKind } = monaco.languages;
      const tables = qualifier ? schema.filter((t) => t.name.toLowerCase() === qualifier) : schema;
      const columns = tables.flatMap((table) =>
        table.columns.map((column) => ({ label: column.name, kind: CompletionItemKind.Field, detail: `${table.name}.${column.name} ${column.type}`, insertText: column.name, range, sortText: `1${column.name}` })),
      );
      if (qualifier && tables.length > 0) return { suggestions: columns };
      return {
        suggestions: [
          ...schema.map((table) => ({ label: table.name, kind: CompletionItemKind.Struct, detail: `table · ${table.columns.length} columns`, insertText: table.name, range, sortText: `0${table.name}` })),
          ...columns,
          ...KEYWORDS.map((keyword) => ({ label: keyword, kind: CompletionItemKind.Keyword, insertText: keyword, range, sortText: `2${keyword}` })),
        ],
      };
    },
  });
}

/** Loads Monaco once, from the app's bundle, and points @monaco-editor/react at it. */
export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    self.MonacoEnvironment = {
      getWorker: () => new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), { type: "module" }),
    };
    const monaco = await import("monaco-editor");
    loader.config({ monaco });
    registerSqlCompletion(monaco);
    return monaco;
  })();
  return loading;
}
