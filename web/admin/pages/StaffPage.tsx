/**
 * Staff accounts. Everyone sees who works here (the same list as an order's "Assigned to") and can
 * change their own password; an owner also adds, edits and deletes accounts.
 *
 * The write calls go through the shared client directly (below) instead of web/shared/api.ts;
 * move them into `staffApi` there when that file is next edited.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { z } from "zod";
import { createClient, errorMessage } from "../../shared/api.js";
import { formatDateTime } from "../../shared/format.js";
import * as S from "../../shared/schemas.js";
import { api } from "../context.js";
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  Field,
  inputClass,
  PageHeader,
  QueryState,
  td,
  th,
} from "../ui.js";

const client = createClient("");
const STAFF = "/api/admin/staff";
const ROLES = ["staff", "owner"] as const;
type Role = (typeof ROLES)[number];
/** The server's rules (src/services/staff-auth.ts), repeated for instant hints. */
const PASSWORD_MIN = 8;
const USERNAME_PATTERN = "[a-z0-9][a-z0-9._\\-]{1,31}";
const BUILT_IN_OWNER = "admin";

const Member = S.Staff.extend({ telegramUserId: z.number().nullish(), createdAt: z.string().nullish() });
type Member = z.output<typeof Member>;
const Deleted = z.object({ deleted: z.boolean(), unassignedOrders: z.number().optional() }).loose();
const PasswordChanged = z.object({ ok: z.boolean(), revokedSessions: z.number().optional() }).loose();

interface NewMember {
  username: string;
  displayName?: string;
  role: Role;
  password: string;
  telegramUserId?: number;
}
type MemberPatch = Partial<{
  displayName: string | null;
  role: Role;
  telegramUserId: number | null;
  password: string;
}>;

const staffWrites = {
  add: (m: NewMember) => client.send("POST", STAFF, Member, m),
  update: (id: string, patch: MemberPatch) =>
    client.send("PATCH", `${STAFF}/${encodeURIComponent(id)}`, Member, patch),
  remove: (id: string) => client.send("DELETE", `${STAFF}/${encodeURIComponent(id)}`, Deleted),
  changeMyPassword: (currentPassword: string, newPassword: string) =>
    client.send("POST", `${STAFF}/me/password`, PasswordChanged, { currentPassword, newPassword }),
};

/** A readable one-time password (same length as the ones the server generates). */
function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** "" → undefined, digits → a number, anything else → NaN (the server names the field). */
function telegramId(text: string): number | undefined {
  const t = text.trim();
  return t === "" ? undefined : /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

export function StaffPage() {
  const me = useQuery({ queryKey: ["me"], queryFn: api.me, staleTime: 60_000 });
  const staff = useQuery({ queryKey: ["staff"], queryFn: api.staff });
  const [message, setMessage] = useState<string | null>(null);
  const myRole = staff.data?.find((s) => s.id === me.data?.id)?.role;
  const isOwner = myRole === "owner";

  return (
    <>
      <PageHeader
        title="Staff"
        description={
          isOwner
            ? "Who can sign in to this dashboard. Orders can be assigned to any of them."
            : "Who works here. Orders can be assigned to any of them; an owner manages the accounts."
        }
      />
      {message ? (
        <p
          role="status"
          className="mb-4 rounded-xl bg-white px-4 py-3 text-sm text-stone-700 ring-1 ring-line"
        >
          {message}
        </p>
      ) : null}
      <div className="space-y-6">
        <Card title="Accounts">
          <QueryState
            query={staff}
            isEmpty={(rows) => rows.length === 0}
            empty={<EmptyState title="No staff accounts" />}
          >
            {(rows) => (
              <StaffTable
                rows={rows as Member[]}
                meId={me.data?.id ?? undefined}
                canManage={isOwner}
                onMessage={setMessage}
              />
            )}
          </QueryState>
        </Card>
        {isOwner ? <AddStaffForm onMessage={setMessage} /> : null}
        <ChangeMyPassword />
      </div>
    </>
  );
}

function StaffTable({
  rows,
  meId,
  canManage,
  onMessage,
}: {
  rows: Member[];
  meId?: string;
  canManage: boolean;
  onMessage: (m: string) => void;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Member | null>(null);
  const remove = useMutation({
    mutationFn: (m: Member) => staffWrites.remove(m.id ?? ""),
    onSuccess: (res, m) => {
      const n = res.unassignedOrders ?? 0;
      onMessage(
        `Deleted ${m.username ?? "the account"}.${n > 0 ? ` ${n} order${n === 1 ? " is" : "s are"} now unassigned.` : ""}`,
      );
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: ["staff"] });
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
      void queryClient.invalidateQueries({ queryKey: ["order"] });
    },
    onError: (err) => {
      onMessage(errorMessage(err));
      setDeleting(null);
    },
  });

  return (
    <>
      <div className="-m-5 overflow-x-auto">
        <table className="w-full" data-testid="staff-table">
          <thead className="border-b border-line">
            <tr>
              <th className={th}>Name</th>
              <th className={th}>Role</th>
              <th className={th}>Telegram user id</th>
              <th className={th}>Added</th>
              {canManage ? (
                <th className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {rows.map((s) => {
              const id = s.id ?? "";
              const username = s.username ?? "";
              return (
                <StaffRow
                  key={id}
                  member={s}
                  isMe={id === meId}
                  canManage={canManage}
                  editing={editing === id}
                  onEdit={() => setEditing(editing === id ? null : id)}
                  onDone={(text) => {
                    setEditing(null);
                    if (text) onMessage(text);
                  }}
                  onDelete={username === BUILT_IN_OWNER ? undefined : () => setDeleting(s)}
                />
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.username ?? ""}?`}
        body={
          <>
            They are signed out at once and can no longer sign in. Orders assigned to them become unassigned;
            the orders and their notes stay.
          </>
        }
        confirmLabel="Delete account"
        danger
        onConfirm={() => deleting && remove.mutate(deleting)}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}

function StaffRow({
  member,
  isMe,
  canManage,
  editing,
  onEdit,
  onDone,
  onDelete,
}: {
  member: Member;
  isMe: boolean;
  canManage: boolean;
  editing: boolean;
  onEdit: () => void;
  onDone: (message?: string) => void;
  onDelete?: () => void;
}) {
  const username = member.username ?? "";
  return (
    <>
      <tr data-username={username}>
        <td className={td}>
          <p className="font-medium">{member.displayName || username}</p>
          <p className="text-xs text-muted">
            {username}
            {isMe ? " (you)" : ""}
          </p>
        </td>
        <td className={td}>
          <Badge tone={member.role ?? undefined}>{member.role ?? "–"}</Badge>
        </td>
        <td className={`${td} font-mono text-xs`}>{member.telegramUserId ?? "–"}</td>
        <td className={`${td} text-xs text-muted`}>
          {member.createdAt ? formatDateTime(member.createdAt) : "–"}
        </td>
        {canManage ? (
          <td className={`${td} text-right`}>
            <div className="flex justify-end gap-2">
              <Button size="sm" onClick={onEdit} aria-expanded={editing} aria-label={`Edit ${username}`}>
                Edit
              </Button>
              {onDelete ? (
                <Button size="sm" variant="ghost" onClick={onDelete} aria-label={`Delete ${username}`}>
                  Delete
                </Button>
              ) : null}
            </div>
          </td>
        ) : null}
      </tr>
      {editing ? (
        <tr>
          <td colSpan={5} className="bg-canvas px-4 py-4">
            <EditStaffForm member={member} isMe={isMe} onDone={onDone} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function EditStaffForm({
  member,
  isMe,
  onDone,
}: {
  member: Member;
  isMe: boolean;
  onDone: (message?: string) => void;
}) {
  const queryClient = useQueryClient();
  const id = member.id ?? "";
  const username = member.username ?? "";
  const [displayName, setDisplayName] = useState(member.displayName ?? "");
  const [role, setRole] = useState<Role>(member.role === "owner" ? "owner" : "staff");
  const [telegram, setTelegram] = useState(
    member.telegramUserId == null ? "" : String(member.telegramUserId),
  );
  const [password, setPassword] = useState("");
  const patch: MemberPatch = {};
  if (displayName.trim() !== (member.displayName ?? "")) patch.displayName = displayName.trim() || null;
  if (role !== member.role) patch.role = role;
  const tg = telegramId(telegram);
  if ((tg ?? null) !== (member.telegramUserId ?? null)) patch.telegramUserId = tg ?? null;
  if (password) patch.password = password;
  const changed = Object.keys(patch).length > 0;
  const save = useMutation({
    mutationFn: () => staffWrites.update(id, patch),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["staff"] });
      onDone(
        patch.password
          ? `Saved ${username}. New password (give it to them; shown once): ${patch.password}`
          : `Saved ${username}.`,
      );
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (changed) save.mutate();
  };
  const f = (name: string) => `edit-${id}-${name}`;
  return (
    <form onSubmit={submit} aria-label={`Edit ${username}`} className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-4">
        <Field label="Display name" htmlFor={f("name")}>
          <input
            id={f("name")}
            value={displayName}
            maxLength={80}
            onChange={(e) => setDisplayName(e.target.value)}
            className={inputClass}
          />
        </Field>
        <Field label="Role" htmlFor={f("role")}>
          <select
            id={f("role")}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            className={inputClass}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Telegram user id" htmlFor={f("telegram")} hint="Numbers only; empty unlinks.">
          <input
            id={f("telegram")}
            inputMode="numeric"
            value={telegram}
            onChange={(e) => setTelegram(e.target.value)}
            className={inputClass}
          />
        </Field>
        {isMe ? (
          <p className="self-center text-xs text-muted">Change your own password below.</p>
        ) : (
          <Field
            label="Reset password"
            htmlFor={f("password")}
            hint={`At least ${PASSWORD_MIN} characters; signs them out everywhere.`}
          >
            <div className="flex gap-2">
              <input
                id={f("password")}
                type="text"
                autoComplete="off"
                value={password}
                minLength={PASSWORD_MIN}
                onChange={(e) => setPassword(e.target.value)}
                className={inputClass}
              />
              <Button size="sm" onClick={() => setPassword(generatePassword())}>
                Generate
              </Button>
            </div>
          </Field>
        )}
      </div>
      <div className="flex items-center justify-end gap-2">
        {save.isError ? (
          <p role="alert" className="mr-auto text-sm text-rose-700">
            {errorMessage(save.error)}
          </p>
        ) : null}
        <Button onClick={() => onDone()}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={!changed || save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}

function AddStaffForm({ onMessage }: { onMessage: (m: string) => void }) {
  const queryClient = useQueryClient();
  const empty = { username: "", displayName: "", role: "staff" as Role, password: "", telegram: "" };
  const [form, setForm] = useState(empty);
  const set = (key: keyof typeof empty, value: string) => setForm((f) => ({ ...f, [key]: value }));
  const add = useMutation({
    mutationFn: () =>
      staffWrites.add({
        username: form.username.trim(),
        displayName: form.displayName.trim() || undefined,
        role: form.role,
        password: form.password,
        telegramUserId: telegramId(form.telegram),
      }),
    onSuccess: (m) => {
      onMessage(
        `Added ${m.username}. Their password (give it to them; shown once): ${form.password} — they can change it on this page.`,
      );
      setForm(empty);
      void queryClient.invalidateQueries({ queryKey: ["staff"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <Card title="Add a staff member">
      <form onSubmit={submit} aria-label="Add a staff member" className="space-y-4">
        <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
          <Field
            label="Username"
            htmlFor="new-username"
            hint="What they type to sign in: lower-case letters, digits, . _ -"
          >
            <input
              id="new-username"
              required
              autoComplete="off"
              pattern={USERNAME_PATTERN}
              value={form.username}
              onChange={(e) => set("username", e.target.value)}
              className={inputClass}
            />
          </Field>
          <Field label="Display name" htmlFor="new-display-name">
            <input
              id="new-display-name"
              maxLength={80}
              value={form.displayName}
              onChange={(e) => set("displayName", e.target.value)}
              className={inputClass}
            />
          </Field>
          <Field label="Role" htmlFor="new-role" hint="Owners can also manage staff accounts.">
            <select
              id="new-role"
              value={form.role}
              onChange={(e) => set("role", e.target.value)}
              className={inputClass}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Password" htmlFor="new-password" hint={`At least ${PASSWORD_MIN} characters.`}>
            <div className="flex gap-2">
              <input
                id="new-password"
                type="text"
                required
                autoComplete="off"
                minLength={PASSWORD_MIN}
                value={form.password}
                onChange={(e) => set("password", e.target.value)}
                className={inputClass}
              />
              <Button size="sm" onClick={() => set("password", generatePassword())}>
                Generate
              </Button>
            </div>
          </Field>
          <Field
            label="Telegram user id"
            htmlFor="new-telegram"
            hint="Optional: their replies in the staff chat are signed with this account."
          >
            <input
              id="new-telegram"
              inputMode="numeric"
              value={form.telegram}
              onChange={(e) => set("telegram", e.target.value)}
              className={inputClass}
            />
          </Field>
        </div>
        <div className="flex items-center justify-end gap-2">
          {add.isError ? (
            <p role="alert" className="mr-auto text-sm text-rose-700">
              {errorMessage(add.error)}
            </p>
          ) : null}
          <Button type="submit" variant="primary" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add staff member"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ChangeMyPassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const mismatch = repeat !== "" && next !== repeat;
  const change = useMutation({
    mutationFn: () => staffWrites.changeMyPassword(current, next),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setRepeat("");
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <Card title="Change my password">
      <form onSubmit={submit} aria-label="Change my password" className="space-y-4">
        <div className="grid gap-4 md:grid-cols-3">
          <Field label="Current password" htmlFor="my-current-password">
            <input
              id="my-current-password"
              type="password"
              required
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              className={inputClass}
            />
          </Field>
          <Field label="New password" htmlFor="my-new-password" hint={`At least ${PASSWORD_MIN} characters.`}>
            <input
              id="my-new-password"
              type="password"
              required
              autoComplete="new-password"
              minLength={PASSWORD_MIN}
              value={next}
              onChange={(e) => setNext(e.target.value)}
              className={inputClass}
            />
          </Field>
          <Field label="Repeat the new password" htmlFor="my-repeat-password">
            <input
              id="my-repeat-password"
              type="password"
              required
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
              className={inputClass}
            />
          </Field>
        </div>
        <div className="flex items-center justify-end gap-2">
          {mismatch ? (
            <p role="alert" className="mr-auto text-sm text-rose-700">
              The new passwords differ.
            </p>
          ) : change.isError ? (
            <p role="alert" className="mr-auto text-sm text-rose-700">
              {errorMessage(change.error)}
            </p>
          ) : change.isSuccess ? (
            <p role="status" className="mr-auto text-sm text-accent-700">
              Password changed. Your other sessions were signed out.
            </p>
          ) : null}
          <Button type="submit" variant="primary" disabled={change.isPending || mismatch}>
            {change.isPending ? "Changing…" : "Change password"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
