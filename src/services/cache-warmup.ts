/**
 * The built-in cache warmers (menu, settings). Other services add theirs with
 * `registerWarmup(name, fn)` in their own module; importing this one registers these.
 */
import { registerWarmup } from "../cache/warmup.js";
import { categories, listCategory } from "./catalog/index.js";
import { getSettings } from "./settings.js";

/** Loads the catalog and every category list (menu:items, menu:category:*). */
registerWarmup("menu", async (deps) => {
  for (const category of await categories(deps)) await listCategory(deps, category);
});

registerWarmup("settings", (deps) => getSettings(deps));
