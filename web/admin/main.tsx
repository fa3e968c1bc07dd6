/** The admin dashboard at /admin. */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError } from "../shared/api.js";
import "./admin.css";
import { App } from "./App.js";

/** Any 401 (session expired, signed out elsewhere) sends the dashboard back to sign-in. */
function onError(err: unknown) {
  // Only a signed-in dashboard needs sending back; the sign-in page's own 401s must not loop.
  if (err instanceof ApiError && err.status === 401 && queryClient.getQueryData(["me"])) {
    queryClient.removeQueries({ queryKey: ["me"] });
    void queryClient.invalidateQueries({ queryKey: ["me"] });
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: true,
      staleTime: 5_000,
    },
  },
});

createRoot(document.getElementById("admin") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
