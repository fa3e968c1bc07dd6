import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage } from "../../shared/api.js";
import { api } from "../context.js";
import { Button, Card, Field, inputClass, PageHeader, QueryState } from "../ui.js";

type Settings = Record<string, unknown>;
const LANGS = [
  ["en", "English"],
  ["ru", "Russian"],
  ["th", "Thai"],
  ["uk", "Ukrainian"],
] as const;

export function SettingsPage() {
  const settings = useQuery({ queryKey: ["settings"], queryFn: api.settings });
  return (
    <>
      <PageHeader
        title="Settings"
        description="What the assistant tells customers about the shop, and how it behaves."
      />
      <QueryState query={settings}>{(s) => <SettingsForm initial={s} />}</QueryState>
    </>
  );
}

function SettingsForm({ initial }: { initial: Settings }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Settings>(initial);
  useEffect(() => setForm(initial), [initial]);
  const changed = Object.fromEntries(
    Object.entries(form).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(initial[k])),
  );
  const save = useMutation({
    mutationFn: () => api.saveSettings(changed),
    onSuccess: (saved) => queryClient.setQueryData(["settings"], saved),
  });

  const str = (key: string) =>
    typeof form[key] === "string" ? (form[key] as string) : form[key] == null ? "" : String(form[key]);
  const set = (key: string, value: unknown) => setForm((f) => ({ ...f, [key]: value }));
  const text = (key: string, label: string, hint?: string, type = "text") => (
    <Field label={label} hint={hint} htmlFor={`s-${key}`}>
      <input
        id={`s-${key}`}
        type={type}
        value={str(key)}
        onChange={(e) => set(key, e.target.value)}
        className={inputClass}
      />
    </Field>
  );
  const number = (key: string, label: string, hint?: string) => (
    <Field label={label} hint={hint} htmlFor={`s-${key}`}>
      <input
        id={`s-${key}`}
        type="number"
        min={0}
        step="any"
        value={str(key)}
        onChange={(e) => set(key, e.target.value === "" ? "" : Number(e.target.value))}
        className={inputClass}
      />
    </Field>
  );
  const hours = (form.hours ?? { open: "", close: "" }) as { open: string; close: string };
  const greetings = (form.greetings ?? {}) as Record<string, string>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Shop settings">
      <Card title="Shop">
        <div className="grid gap-4 md:grid-cols-2">
          {text("shopName", "Shop name")}
          {text("address", "Address", "Told to customers who ask where you are.")}
          {text(
            "timeZone",
            "Time zone",
            "IANA name, e.g. Asia/Bangkok. Order numbers and “today” follow it.",
          )}
          {text("currency", "Currency symbol")}
          <Field
            label="Opening hours"
            htmlFor="s-hours-open"
            hint="Closing before opening means open past midnight."
          >
            <div className="flex items-center gap-2">
              <input
                id="s-hours-open"
                type="time"
                aria-label="Opens at"
                value={hours.open}
                onChange={(e) => set("hours", { ...hours, open: e.target.value })}
                className={inputClass}
              />
              <span className="text-muted">–</span>
              <input
                type="time"
                aria-label="Closes at"
                value={hours.close}
                onChange={(e) => set("hours", { ...hours, close: e.target.value })}
                className={inputClass}
              />
            </div>
          </Field>
          {text("deliveryFee", "Delivery fee", "An exact amount, e.g. 100 or 100.00.")}
        </div>
      </Card>
      <Card title="Greetings">
        <div className="grid gap-4 md:grid-cols-2">
          {LANGS.map(([code, label]) => (
            <Field key={code} label={label} htmlFor={`s-greet-${code}`}>
              <textarea
                id={`s-greet-${code}`}
                rows={3}
                value={greetings[code] ?? ""}
                onChange={(e) => set("greetings", { ...greetings, [code]: e.target.value })}
                className={inputClass}
              />
            </Field>
          ))}
        </div>
      </Card>
      <Card title="Assistant">
        <div className="grid gap-4 md:grid-cols-3">
          {number("conversationTimeoutMinutes", "Conversation ends after (min)", "Of inactivity.")}
          {number("takeoverTimeoutMinutes", "Staff takeover lasts (min)")}
          {number("followupDelayHours", "Follow-up after (hours)", "One polite reminder, never more.")}
        </div>
        <div className="mt-4">
          <Field
            label="Prompt additions"
            hint="Extra instructions for the assistant (tone, promotions, rules)."
            htmlFor="s-promptAdditions"
          >
            <textarea
              id="s-promptAdditions"
              rows={4}
              value={str("promptAdditions")}
              onChange={(e) => set("promptAdditions", e.target.value)}
              className={inputClass}
            />
          </Field>
        </div>
      </Card>
      <Card title="CRM webhook">
        <div className="grid gap-4 md:grid-cols-2">
          <Field
            label="Webhook URL"
            hint="Each new order is POSTed here, signed with the secret."
            htmlFor="s-crmWebhookUrl"
          >
            <input
              id="s-crmWebhookUrl"
              type="url"
              value={str("crmWebhookUrl")}
              onChange={(e) => set("crmWebhookUrl", e.target.value || null)}
              className={inputClass}
              placeholder="https://crm.example.com/hooks/orders"
            />
          </Field>
          <Field label="Signing secret" htmlFor="s-crmWebhookSecret" hint="At least 8 characters.">
            <input
              id="s-crmWebhookSecret"
              type="password"
              autoComplete="off"
              value={str("crmWebhookSecret")}
              onChange={(e) => set("crmWebhookSecret", e.target.value || null)}
              className={inputClass}
            />
          </Field>
        </div>
      </Card>
      <div className="sticky bottom-4 flex items-center justify-end gap-3 rounded-2xl border border-line bg-white/90 px-5 py-3 backdrop-blur">
        {save.isError ? (
          <p role="alert" className="mr-auto text-sm text-rose-700">
            {errorMessage(save.error)}
          </p>
        ) : save.isSuccess && Object.keys(changed).length === 0 ? (
          <p role="status" className="mr-auto text-sm text-accent-700">
            Saved.
          </p>
        ) : null}
        <Button onClick={() => setForm(initial)} disabled={Object.keys(changed).length === 0}>
          Discard
        </Button>
        <Button
          type="submit"
          variant="primary"
          disabled={save.isPending || Object.keys(changed).length === 0}
        >
          {save.isPending ? "Saving…" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
