import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../../shared/api.js";
import type { ImportResult } from "../../shared/schemas.js";
import { api } from "../context.js";
import { Button, Card, Field, inputClass, PageHeader, td, th } from "../ui.js";

type Phase =
  | { step: "idle" }
  | { step: "reading" }
  | { step: "uploading"; fraction: number }
  | { step: "processing" };
interface RowError {
  line: number | null;
  field: string | null;
  message: string;
}

function rowErrors(err: unknown): RowError[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return err.details.map((d: Record<string, unknown>) => ({
    line: typeof d.line === "number" ? d.line : typeof d.row === "number" ? d.row : null,
    field: typeof d.field === "string" ? d.field : null,
    message: typeof d.message === "string" ? d.message : "invalid",
  }));
}

export function CatalogPage() {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"csv" | "url">("csv");
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setError(null);
    try {
      let res: ImportResult;
      if (mode === "csv") {
        if (!file) return;
        setPhase({ step: "reading" });
        const csv = await file.text();
        setPhase({ step: "uploading", fraction: 0 });
        res = await api.importCatalogCsv(csv, (fraction) =>
          setPhase(fraction >= 1 ? { step: "processing" } : { step: "uploading", fraction }),
        );
      } else {
        setPhase({ step: "processing" });
        res = await api.importCatalogFromUrl(url.trim());
      }
      setResult(res);
      void queryClient.invalidateQueries({ queryKey: ["catalog"] });
    } catch (err) {
      setError(err);
    } finally {
      setPhase({ step: "idle" });
    }
  };

  const busy = phase.step !== "idle";
  const errors = result?.errors.length ? result.errors : rowErrors(error);
  const progress =
    phase.step === "reading"
      ? 0.05
      : phase.step === "uploading"
        ? 0.05 + phase.fraction * 0.6
        : phase.step === "processing"
          ? 0.8
          : 1;

  return (
    <>
      <PageHeader
        title="Catalog import"
        description="Replace the whole menu from a CSV file or a public Google Sheet. Every row is checked first: if any row is wrong, nothing changes."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <Card>
          <form onSubmit={run} className="space-y-5">
            <div className="flex rounded-lg bg-stone-100 p-0.5" role="tablist" aria-label="Source">
              {(["csv", "url"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="tab"
                  aria-selected={mode === m}
                  onClick={() => setMode(m)}
                  className={`flex-1 rounded-md py-1.5 text-sm ${mode === m ? "bg-white font-medium text-ink shadow-sm" : "text-stone-600"}`}
                >
                  {m === "csv" ? "Upload CSV" : "Google Sheet URL"}
                </button>
              ))}
            </div>
            {mode === "csv" ? (
              <Field
                label="CSV file"
                htmlFor="csv-file"
                hint="Columns: Name, Category, Type, THC, CBG, Price_1g, Price_5g, Price_20g, Our, …"
              >
                <input
                  id="csv-file"
                  type="file"
                  accept=".csv,text/csv"
                  onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                  className="block w-full text-sm text-stone-600 file:mr-3 file:rounded-lg file:border-0 file:bg-accent-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-accent-800 hover:file:bg-accent-100"
                />
              </Field>
            ) : (
              <Field
                label="Sheet CSV export URL"
                htmlFor="sheet-url"
                hint="File → Share → Publish to web → CSV, or …/export?format=csv"
              >
                <input
                  id="sheet-url"
                  type="url"
                  required
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                  placeholder="https://docs.google.com/spreadsheets/d/…/export?format=csv"
                  className={inputClass}
                />
              </Field>
            )}
            {busy ? (
              <div
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(progress * 100)}
                aria-label="Import progress"
              >
                <div className="h-2 overflow-hidden rounded-full bg-stone-100">
                  <div
                    className="h-full rounded-full bg-accent-500 transition-all duration-300"
                    style={{ width: `${progress * 100}%` }}
                  />
                </div>
                <p className="mt-1.5 text-xs text-muted">
                  {phase.step === "reading"
                    ? "Reading the file…"
                    : phase.step === "uploading"
                      ? `Uploading… ${Math.round(phase.fraction * 100)}%`
                      : "Checking every row and importing…"}
                </p>
              </div>
            ) : null}
            <Button type="submit" variant="primary" disabled={busy || (mode === "csv" ? !file : !url.trim())}>
              {busy ? "Importing…" : "Import and replace the catalog"}
            </Button>
          </form>
          {result && result.errors.length === 0 ? (
            <p
              role="status"
              className="mt-5 rounded-xl bg-accent-50 px-4 py-3 text-sm text-accent-800 ring-1 ring-accent-200"
            >
              Imported {result.imported} products. The shop and the assistant use the new catalog now.
            </p>
          ) : null}
          {error && errors.length === 0 ? (
            <p
              role="alert"
              className="mt-5 rounded-xl bg-rose-50 px-4 py-3 text-sm text-rose-800 ring-1 ring-rose-200"
            >
              {errorMessage(error)}
            </p>
          ) : null}
          {errors.length > 0 ? (
            <div className="mt-5" role="alert">
              <p className="text-sm font-medium text-rose-800">
                {errors.length} row problem{errors.length === 1 ? "" : "s"}: nothing was imported. Fix them
                and try again.
              </p>
              <div className="mt-2 max-h-80 overflow-auto rounded-xl border border-line">
                <table className="w-full" data-testid="import-errors">
                  <thead className="sticky top-0 border-b border-line bg-stone-50">
                    <tr>
                      <th className={th}>Line</th>
                      <th className={th}>Column</th>
                      <th className={th}>Problem</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {errors.map((r, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a report, not a list that changes
                      <tr key={i}>
                        <td className={`${td} tabular-nums`}>{r.line ?? "—"}</td>
                        <td className={`${td} font-mono text-xs`}>{r.field ?? "—"}</td>
                        <td className={td}>{r.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}
        </Card>
        <Card title="Format">
          <div className="space-y-2 text-sm text-stone-600">
            <p>
              One product per row. Prices per weight tier in ฿ (Price_1g, Price_5g, Price_20g) or size/colour
              variants.
            </p>
            <p>Effects and flavors are comma-separated inside a cell. “Our” marks the shop's own products.</p>
            <p>The import is all-or-nothing, so a half-finished menu never reaches customers.</p>
          </div>
        </Card>
      </div>
    </>
  );
}
