/** A tiny path router for /admin/*: the server answers every /admin path with the SPA. */
import { useEffect, useState } from "react";

export const BASE = "/admin";

export function navigate(to: string) {
  const url = to.startsWith("/") ? to : `${BASE}/${to}`;
  if (url === location.pathname + location.search) return;
  history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function useLocation() {
  const [loc, setLoc] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const update = () => setLoc({ path: location.pathname, search: location.search });
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  const segments = loc.path
    .replace(/^\/admin\/?/, "")
    .split("/")
    .filter(Boolean);
  return { segments, params: new URLSearchParams(loc.search) };
}

/** An <a> that navigates without reloading, but still opens in a new tab with a modifier key. */
export function linkProps(to: string) {
  const href = to.startsWith("/") ? to : `${BASE}/${to}`;
  return {
    href,
    onClick(e: React.MouseEvent) {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(href);
    },
  };
}
