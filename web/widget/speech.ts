/** Voice input through the Web Speech API, where the browser has it (Chrome, Edge, Safari). */
import { useCallback, useEffect, useRef, useState } from "react";

interface Recognition {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  start(): void;
  stop(): void;
  abort(): void;
  onresult:
    | ((e: { results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }> }) => void)
    | null;
  onend: (() => void) | null;
  onerror: (() => void) | null;
}

function recognitionClass(): (new () => Recognition) | undefined {
  const w = globalThis as unknown as Record<string, unknown>;
  return (w.SpeechRecognition ?? w.webkitSpeechRecognition) as (new () => Recognition) | undefined;
}

export function useSpeech(lang: string, onFinal: (text: string) => void) {
  const supported = Boolean(recognitionClass());
  const [listening, setListening] = useState(false);
  const [interim, setInterim] = useState("");
  const recognition = useRef<Recognition | null>(null);
  const onFinalRef = useRef(onFinal);
  onFinalRef.current = onFinal;

  useEffect(() => () => recognition.current?.abort(), []);

  const start = useCallback(() => {
    const Ctor = recognitionClass();
    if (!Ctor) return;
    const r = new Ctor();
    r.lang = lang;
    r.interimResults = true;
    r.continuous = false;
    r.onresult = (e) => {
      let text = "";
      let final = false;
      for (let i = 0; i < e.results.length; i++) {
        const result = e.results[i];
        if (!result) continue;
        text += result[0]?.transcript ?? "";
        final ||= result.isFinal;
      }
      setInterim(text);
      if (final && text.trim()) onFinalRef.current(text.trim());
    };
    r.onend = () => {
      setListening(false);
      setInterim("");
    };
    r.onerror = () => setListening(false);
    recognition.current = r;
    r.start();
    setListening(true);
  }, [lang]);

  const stop = useCallback(() => recognition.current?.stop(), []);
  return { supported, listening, interim, start, stop };
}
