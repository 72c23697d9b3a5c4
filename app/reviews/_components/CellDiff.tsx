"use client";
// One cell of a review: production's code beside the proposed code in Monaco's diff editor
// (served by the app; inline when the page is narrow), its line comments marked in the
// gutter, and a click on a line number opens a comment on that line.
import { DiffEditor, type DiffOnMount } from "@monaco-editor/react";
import { useEffect, useRef, useState } from "react";
import type { ReviewCell } from "@/lib/reviews/cells";
import { usePrefersDark } from "@/app/notebooks/_workspace/use-color-scheme";
import { useMonacoLoaded } from "@/app/notebooks/_workspace/use-monaco";
import { CommentForm } from "./CommentForm";

type DiffEditorInstance = Parameters<DiffOnMount>[0];

const LINE_HEIGHT = 19;
const MAX_HEIGHT = 480;

function language(kind: string): string {
  switch (kind) {
    case "sql":
      return "sql";
    case "markdown":
      return "markdown";
    default:
      return "yaml";
  }
}

export function CellDiff(props: { reviewNumber: number; notebook: string; cell: ReviewCell; commentedLines: number[]; canComment: boolean }) {
  const { cell } = props;
  const loaded = useMonacoLoaded();
  const dark = usePrefersDark();
  const editorRef = useRef<DiffEditorInstance | null>(null);
  const decorations = useRef<{ clear(): void } | null>(null);
  const [line, setLine] = useState<number | null>(null);
  const code = cell.after ?? cell.before ?? "";
  const lines = code.replace(/\n$/, "").split("\n");
  const lineCount = (text: string | null) => (text ?? "").replace(/\n$/, "").split("\n").length;
  // A first guess; once mounted, the editors' content heights (inline mode stacks both sides).
  const [height, setHeight] = useState(Math.max(lineCount(cell.before), lineCount(cell.after)) * LINE_HEIGHT + LINE_HEIGHT);

  // Commented lines are marked on the side comments are written on (the proposed code, or production's for a removed cell).
  useEffect(() => {
    const diff = editorRef.current;
    if (diff === null) return;
    const side = cell.after === null ? diff.getOriginalEditor() : diff.getModifiedEditor();
    decorations.current?.clear();
    decorations.current = side.createDecorationsCollection(
      props.commentedLines.map((n) => ({ range: { startLineNumber: n, startColumn: 1, endLineNumber: n, endColumn: 1 }, options: { isWholeLine: true, className: "review-commented-line", linesDecorationsClassName: "review-commented-gutter" } })),
    );
  }, [props.commentedLines, cell.after, loaded]);

  const onMount: DiffOnMount = (diff, monaco) => {
    editorRef.current = diff;
    const fit = () => setHeight(Math.min(MAX_HEIGHT, Math.max(diff.getOriginalEditor().getContentHeight(), diff.getModifiedEditor().getContentHeight()) + 4));
    diff.getOriginalEditor().onDidContentSizeChange(fit);
    diff.getModifiedEditor().onDidContentSizeChange(fit);
    diff.onDidUpdateDiff(fit);
    const side = cell.after === null ? diff.getOriginalEditor() : diff.getModifiedEditor();
    side.onMouseDown((event) => {
      if (!props.canComment || event.target.type !== monaco.editor.MouseTargetType.GUTTER_LINE_NUMBERS) return;
      const clicked = event.target.position?.lineNumber;
      if (clicked !== undefined) setLine(clicked);
    });
  };

  return (
    <div className="review-cell__code">
      {loaded ? (
        <div style={{ height }} data-testid="code-diff">
          <DiffEditor
            original={cell.before ?? ""}
            modified={cell.after ?? ""}
            language={language(cell.kind)}
            theme={dark ? "vs-dark" : "vs"}
            onMount={onMount}
            options={{
              readOnly: true,
              originalEditable: false,
              renderSideBySide: true,
              useInlineViewWhenSpaceIsLimited: true,
              renderSideBySideInlineBreakpoint: 700,
              minimap: { enabled: false },
              scrollBeyondLastLine: false,
              automaticLayout: true,
              renderOverviewRuler: false,
              lineNumbersMinChars: 3,
              fontSize: 13,
              hideUnchangedRegions: { enabled: false },
              scrollbar: { alwaysConsumeMouseWheel: false },
            }}
          />
        </div>
      ) : (
        <pre className="review-cell__fallback">{code}</pre>
      )}
      {props.canComment ? (
        <CommentForm
          reviewNumber={props.reviewNumber}
          target={{ notebook: props.notebook, cell: cell.key }}
          lines={lines}
          line={line}
          onLine={setLine}
          label={`Comment on ${cell.key}`}
        />
      ) : null}
    </div>
  );
}
