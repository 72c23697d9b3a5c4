"use client";
// One cell's Monaco editor: auto height, SQL or YAML, markers for the cell's problems,
// and the notebook's keyboard flow as editor actions (they take precedence in the editor).
// The editor owns its text: `value` seeds it, and later values are pushed into it only when
// they are not the editor's own (a reload, a rename). A controlled editor wrote each
// render's value back, and a render that lagged behind fast typing erased the keys typed
// since ("select" became "selet").
import Editor, { type OnMount } from "@monaco-editor/react";
import { useEffect, useRef, useState } from "react";
import type { CellKind } from "@/lib/notebook/types";
import type { CellMarker } from "@/lib/workspace/cell-markers";
import { usePrefersDark } from "./use-color-scheme";
import { useMonacoLoaded } from "./use-monaco";

type StandaloneEditor = Parameters<OnMount>[0];
type MonacoApi = Parameters<OnMount>[1];

export interface CellKeys {
  run: () => void;
  runAndNext: () => void;
  addBelow: () => void;
  previous: () => void;
  next: () => void;
}

interface Props {
  id: string;
  name: string;
  kind: CellKind;
  value: string;
  markers: readonly CellMarker[];
  keys: CellKeys;
  onChange: (value: string) => void;
  onFocus: () => void;
  /** Gives the workspace a way to focus this editor. */
  registerFocus: (focus: (() => void) | undefined) => void;
}

export function languageOf(kind: CellKind): "sql" | "yaml" {
  switch (kind) {
    case "sql":
      return "sql";
    case "extract":
    case "ml":
    case "chart":
      return "yaml";
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

const LINE_HEIGHT = 20;

export function CellEditor({ id, name, kind, value, markers, keys, onChange, onFocus, registerFocus }: Props) {
  const dark = usePrefersDark();
  const loaded = useMonacoLoaded();
  const [height, setHeight] = useState(LINE_HEIGHT * Math.max(1, value.split("\n").length) + 16);
  const editorRef = useRef<StandaloneEditor>(undefined);
  const monacoRef = useRef<MonacoApi>(undefined);
  const keysRef = useRef(keys);
  const focusRef = useRef(onFocus);
  /** Texts this editor reported since the last outside change: a render may hand any of them back late. */
  const ownTexts = useRef(new Set<string>([value]));
  useEffect(() => {
    keysRef.current = keys;
    focusRef.current = onFocus;
  });

  const onMount: OnMount = (editor, monaco) => {
    editorRef.current = editor;
    monacoRef.current = monaco;
    const { KeyMod, KeyCode } = monaco;
    const action = (actionId: string, label: string, keybinding: number, run: () => void) =>
      editor.addAction({ id: `assetbook.${actionId}`, label, keybindings: [keybinding], run });
    action("run", "Run cell", KeyMod.CtrlCmd | KeyCode.Enter, () => keysRef.current.run());
    action("runNext", "Run cell and go to the next", KeyMod.Shift | KeyCode.Enter, () => keysRef.current.runAndNext());
    action("addBelow", "Add a cell below", KeyMod.Alt | KeyCode.Enter, () => keysRef.current.addBelow());
    action("previous", "Go to the previous cell", KeyMod.Alt | KeyCode.UpArrow, () => keysRef.current.previous());
    action("next", "Go to the next cell", KeyMod.Alt | KeyCode.DownArrow, () => keysRef.current.next());
    editor.onDidContentSizeChange((e) => setHeight(e.contentHeight));
    editor.onDidFocusEditorText(() => focusRef.current());
    setHeight(editor.getContentHeight());
    registerFocus(() => editor.focus());
    applyMarkers();
  };

  useEffect(() => () => registerFocus(undefined), [registerFocus]);

  function applyMarkers(): void {
    const editor = editorRef.current;
    const monaco = monacoRef.current;
    const model = editor?.getModel();
    if (!editor || !monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      "assetbook",
      markers.map((marker) => {
        const line = Math.min(marker.line, model.getLineCount());
        return {
          severity: monaco.MarkerSeverity.Error,
          message: marker.message,
          startLineNumber: line,
          startColumn: marker.column,
          endLineNumber: line,
          endColumn: Math.max(marker.column + 1, model.getLineMaxColumn(line)),
        };
      }),
    );
  }
  useEffect(applyMarkers);

  // A value from outside the editor (not one it reported) replaces its text, as one undoable edit.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || ownTexts.current.has(value) || model.getValue() === value) return;
    ownTexts.current = new Set([value]);
    editorRef.current?.pushUndoStop();
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
    editorRef.current?.pushUndoStop();
  }, [value]);

  const report = (next: string) => {
    const own = ownTexts.current;
    own.add(next);
    // Bounded, oldest first out: a lagging render hands back one of the last few texts, not one from hundreds of keys ago.
    if (own.size > 200) own.delete(own.values().next().value ?? "");
    onChange(next);
  };

  return (
    <div className="nb-editor" style={{ height }} data-testid={`cell-editor-${name}`} data-markers={markers.length}>
      {!loaded ? (
        <pre className="nb-editor__loading">{value}</pre>
      ) : (
      <Editor
        path={`inmemory://assetbook/${id}.${languageOf(kind)}`}
        language={languageOf(kind)}
        defaultValue={value}
        theme={dark ? "vs-dark" : "vs"}
        onChange={(next) => report(next ?? "")}
        onMount={onMount}
        loading={<pre className="nb-editor__loading">{value}</pre>}
        options={{
          minimap: { enabled: false },
          // Enter always starts a new line (Tab takes a suggestion): typed newlines were swallowed by the suggest widget.
          acceptSuggestionOnEnter: "off",
          scrollBeyondLastLine: false,
          lineHeight: LINE_HEIGHT,
          fontSize: 13,
          tabSize: 2,
          wordWrap: "on",
          lineNumbersMinChars: 3,
          folding: false,
          glyphMargin: false,
          overviewRulerLanes: 0,
          renderLineHighlight: "none",
          fixedOverflowWidgets: true,
          automaticLayout: true,
          padding: { top: 8, bottom: 8 },
          scrollbar: { vertical: "hidden", alwaysConsumeMouseWheel: false, horizontalScrollbarSize: 8 },
          ariaLabel: `${kind} cell ${name}`,
        }}
      />
      )}
    </div>
  );
}
