import { createContext, useContext } from "react";
import type { CustomerApi } from "../shared/api.js";
import { STRINGS, type Strings } from "./i18n.js";
import type { WidgetStore } from "./store.js";

export interface WidgetContextValue {
  api: CustomerApi;
  useStore: WidgetStore;
  shopName: string;
}

export const WidgetContext = createContext<WidgetContextValue | null>(null);

export function useWidget(): WidgetContextValue {
  const value = useContext(WidgetContext);
  if (!value) throw new Error("useWidget outside WidgetContext");
  return value;
}

export function useStrings(): Strings {
  const { useStore } = useWidget();
  return STRINGS[useStore((s) => s.language)];
}
