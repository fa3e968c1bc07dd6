import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, errorMessage } from "../shared/api.js";
import { LeafIcon } from "../shared/icons.js";
import { api } from "./context.js";
import { AnalyticsPage } from "./pages/AnalyticsPage.js";
import { CachePage } from "./pages/CachePage.js";
import { CatalogPage } from "./pages/CatalogPage.js";
import { ConversationsPage } from "./pages/ConversationsPage.js";
import { CustomersPage } from "./pages/CustomersPage.js";
import { OrdersPage } from "./pages/OrdersPage.js";
import { SettingsPage } from "./pages/SettingsPage.js";
import { StaffPage } from "./pages/StaffPage.js";
import { TracesPage } from "./pages/TracesPage.js";
import { linkProps, useLocation } from "./router.js";
import { Button, ErrorState, inputClass, Spinner } from "./ui.js";

const NAV = [
  { id: "orders", label: "Orders" },
  { id: "analytics", label: "Analytics" },
  { id: "customers", label: "Customers" },
  { id: "conversations", label: "Conversations" },
  { id: "traces", label: "AI traces" },
  { id: "cache", label: "Cache" },
  { id: "catalog", label: "Catalog import" },
  { id: "staff", label: "Staff" },
  { id: "settings", label: "Settings" },
] as const;

export function App() {
  const me = useQuery({ queryKey: ["me"], queryFn: api.me, retry: false, staleTime: 60_000 });
  if (me.isPending) return <Spinner label="Checking your session" />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) return <LoginPage />;
    return (
      <div className="mx-auto mt-24 max-w-md px-6">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return <Layout username={me.data.username ?? me.data.displayName ?? "staff"} />;
}

function Layout({ username }: { username: string }) {
  const { segments } = useLocation();
  const page = segments[0] ?? "orders";
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: api.logout,
    onSettled: () => {
      queryClient.clear();
      void queryClient.invalidateQueries({ queryKey: ["me"] });
    },
  });

  return (
    <div className="min-h-screen bg-canvas font-sans text-ink antialiased lg:grid lg:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="border-b border-line bg-white lg:sticky lg:top-0 lg:h-screen lg:border-r lg:border-b-0">
        <div className="flex items-center gap-2.5 px-5 py-5">
          <span className="grid size-9 place-items-center rounded-xl bg-accent-800 text-accent-100">
            <LeafIcon />
          </span>
          <div>
            <p className="text-[15px] leading-tight font-semibold">Shopkeeper</p>
            <p className="text-xs text-muted">Admin</p>
          </div>
        </div>
        <nav
          aria-label="Dashboard"
          className="flex gap-1 overflow-x-auto px-3 pb-3 lg:flex-col lg:overflow-visible"
        >
          {NAV.map((item) => (
            <a
              key={item.id}
              {...linkProps(item.id)}
              aria-current={page === item.id ? "page" : undefined}
              className={`rounded-lg px-3 py-2 text-sm whitespace-nowrap transition-colors ${
                page === item.id
                  ? "bg-accent-50 font-semibold text-accent-800"
                  : "text-stone-600 hover:bg-stone-50 hover:text-ink"
              }`}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <div className="hidden border-t border-line px-5 py-4 lg:absolute lg:inset-x-0 lg:bottom-0 lg:block">
          <p className="truncate text-sm text-stone-700">
            Signed in as <span className="font-medium">{username}</span>
          </p>
          <div className="mt-2 flex items-center gap-2">
            <Button size="sm" onClick={() => logout.mutate()} disabled={logout.isPending}>
              Sign out
            </Button>
            <a href="/" className="text-xs text-muted hover:text-ink">
              View shop ↗
            </a>
          </div>
        </div>
      </aside>
      <main id="main" className="mx-auto w-full max-w-6xl px-5 py-8 lg:px-10">
        <div className="mb-4 flex justify-end lg:hidden">
          <Button size="sm" onClick={() => logout.mutate()}>
            Sign out
          </Button>
        </div>
        <Page page={page} segments={segments} />
      </main>
    </div>
  );
}

function Page({ page, segments }: { page: string; segments: string[] }) {
  switch (page) {
    case "orders":
      return <OrdersPage selectedId={segments[1]} />;
    case "analytics":
      return <AnalyticsPage />;
    case "customers":
      return <CustomersPage selectedId={segments[1]} />;
    case "conversations":
      return <ConversationsPage selectedId={segments[1]} />;
    case "traces":
      return <TracesPage />;
    case "cache":
      return <CachePage />;
    case "catalog":
      return <CatalogPage />;
    case "staff":
      return <StaffPage />;
    case "settings":
      return <SettingsPage />;
    default:
      return (
        <div className="py-20 text-center">
          <p className="text-lg font-semibold">Page not found</p>
          <a {...linkProps("orders")} className="mt-2 inline-block text-accent-700 underline">
            Go to orders
          </a>
        </div>
      );
  }
}

function LoginPage() {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    // An empty username signs in as the owner, `admin`.
    mutationFn: () => api.login(password, username.trim()),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password) login.mutate();
  };
  return (
    <div className="grid min-h-screen place-items-center bg-canvas px-6 font-sans text-ink antialiased">
      <form
        onSubmit={submit}
        className="w-full max-w-sm rounded-3xl border border-line bg-white p-8 shadow-sm"
        aria-labelledby="login-title"
      >
        <span className="grid size-11 place-items-center rounded-2xl bg-accent-800 text-accent-100">
          <LeafIcon />
        </span>
        <h1 id="login-title" className="mt-5 text-xl font-semibold tracking-tight">
          Sign in to Shopkeeper
        </h1>
        <p className="mt-1 text-sm text-muted">
          Staff: your username and password. Owner: <span className="font-mono">admin</span> and
          ADMIN_PASSWORD, or the password printed on first start.
        </p>
        <label htmlFor="username" className="mt-6 block text-sm font-medium text-stone-700">
          Username
        </label>
        <input
          id="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="admin"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          className={`${inputClass} mt-1 py-2.5`}
        />
        <label htmlFor="password" className="mt-4 block text-sm font-medium text-stone-700">
          Password
        </label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          // biome-ignore lint/a11y/noAutofocus: the field people fill first (the username defaults to admin)
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={`${inputClass} mt-1 py-2.5`}
        />
        {login.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">
            {login.error instanceof ApiError && login.error.status === 401
              ? "That username or password is not right."
              : errorMessage(login.error)}
          </p>
        ) : null}
        <Button
          type="submit"
          variant="primary"
          className="mt-5 w-full py-2.5"
          disabled={!password || login.isPending}
        >
          {login.isPending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </div>
  );
}
