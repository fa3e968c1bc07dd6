/** The demo shop page at `/`: the catalog as a storefront, with the chat widget embedded. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./shop.css";
import { ShopPage } from "./ShopPage.js";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById("shop") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ShopPage />
    </QueryClientProvider>
  </StrictMode>,
);
