/** Dashboard preferences kept across visits (localStorage). */
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

interface AdminPrefs {
  orderStatus: string;
  autoRefresh: boolean;
  analyticsDays: number;
  setOrderStatus(status: string): void;
  setAutoRefresh(on: boolean): void;
  setAnalyticsDays(days: number): void;
}

export const useAdminPrefs = create<AdminPrefs>()(
  persist(
    (set) => ({
      orderStatus: "active",
      autoRefresh: true,
      analyticsDays: 7,
      setOrderStatus: (orderStatus) => set({ orderStatus }),
      setAutoRefresh: (autoRefresh) => set({ autoRefresh }),
      setAnalyticsDays: (analyticsDays) => set({ analyticsDays }),
    }),
    { name: "shopkeeper-admin", storage: createJSONStorage(() => localStorage), version: 1 },
  ),
);
