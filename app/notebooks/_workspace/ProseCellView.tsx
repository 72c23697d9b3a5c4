"use client";
// A prose cell: Markdown, edited in place on double-click or Enter.
import { useEffect, useRef, useState } from "react";
import Markdown from "react-markdown";

interface Props {
  id: string;
  text: string;
  onChange: (text: string) => void;
  onRemove: () => void;
  onFocus: () => void;
  registerFocus: (focus: (() => void) | undefined) => void;
  onNavigate: (delta: -1 | 1) => void;
}

export function ProseCellView({ id, text, onChange, onRemove, onFocus, registerFocus, onNavigate }: Props) {
  const [editing, setEditing] = useState(text.trim() === "");
  const shell = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    registerFocus(() => shell.current?.focus());
    return () => registerFocus(undefined);
  }, [registerFocus]);

  useEffect(() => {
    const el = area.current;
    if (!editing || !el) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight + 2}px`;
  }, [editing, text]);

  const finish = () => {
    setEditing(false);
    shell.current?.focus();
  };

  return (
    <div
      ref={shell}
      className="nb-prose"
      data-cell-id={id}
      tabIndex={0}
      onFocus={onFocus}
      onDoubleClick={() => setEditing(true)}
      onKeyDown={(e) => {
        if (editing || e.target !== e.currentTarget) return;
        if (e.key === "Enter" && !e.altKey && !e.ctrlKey && !e.metaKey) {
          e.preventDefault();
          setEditing(true);
        } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
          e.preventDefault();
          onNavigate(e.key === "ArrowUp" ? -1 : 1);
        }
      }}
    >
      {editing ? (
        <textarea
          ref={area}
          className="nb-prose__input"
          aria-label="Prose (Markdown)"
          value={text}
          autoFocus
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => setEditing(false)}
          onKeyDown={(e) => {
            if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey || e.shiftKey))) {
              e.preventDefault();
              finish();
            }
          }}
        />
      ) : (
        <div className="nb-prose__md" title="Double-click or press Enter to edit">
          {text.trim() === "" ? <p className="muted">Empty text cell</p> : <Markdown>{text}</Markdown>}
        </div>
      )}
      <button type="button" className="nb-icon nb-icon--danger nb-prose__remove" onClick={onRemove} title="Delete the text cell" aria-label="Delete the text cell">
        ✕
      </button>
    </div>
  );
}
