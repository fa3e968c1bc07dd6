/**
 * `npm run dev:web`: Vite's dev server for the shop page and the admin with hot reload, proxying
 * the API (and the built /widget.js) to a server started with `npm run dev` on port 3000.
 * Production builds go through scripts/build-web.mjs.
 */
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      "/api": "http://localhost:3000",
      "/widget.js": "http://localhost:3000",
    },
  },
});
