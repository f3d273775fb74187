import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { useToken } from "./api/auth";
import { subscribeToken } from "./api/token";
import { createQueryClient } from "./api/queryClient";
import { Layout } from "./components/Layout";
import { Skeleton } from "./components/Skeleton";
import { AskView } from "./views/AskView";
import { ConversationView } from "./views/ConversationView";
import { ConversationsView } from "./views/ConversationsView";
import { EntityView } from "./views/EntityView";
import { ExportView } from "./views/ExportView";
import { SchemaView } from "./views/SchemaView";
import { SearchView } from "./views/SearchView";
import { SignInView } from "./views/SignInView";
import { StatusView } from "./views/StatusView";

// sigma and graphology are only loaded when the graph is opened.
const GraphView = lazy(() => import("./views/GraphView").then((module) => ({ default: module.GraphView })));

function LazyGraphView() {
  return (
    <Suspense fallback={<Skeleton lines={1} height="60vh" />}>
      <GraphView />
    </Suspense>
  );
}

function RequireToken() {
  const token = useToken();
  const location = useLocation();
  if (!token) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return <Layout />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/signin" element={<SignInView />} />
      <Route element={<RequireToken />}>
        <Route index element={<Navigate to="/conversations" replace />} />
        <Route path="/conversations" element={<ConversationsView />} />
        <Route path="/conversations/:id" element={<ConversationView />} />
        <Route path="/search" element={<SearchView />} />
        <Route path="/entities/:id" element={<EntityView />} />
        <Route path="/graph" element={<LazyGraphView />} />
        <Route path="/graph/:id" element={<LazyGraphView />} />
        <Route path="/schema" element={<SchemaView />} />
        <Route path="/ask" element={<AskView />} />
        <Route path="/export" element={<ExportView />} />
        <Route path="/status" element={<StatusView />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no page here. Pick a view from the menu above.</p>
    </>
  );
}

/** Data cached for one token must not leak to the next. */
function useQueryClientForSession(): QueryClient {
  const [client] = useState(createQueryClient);
  useEffect(() => subscribeToken(() => client.clear()), [client]);
  return client;
}

export function App() {
  const client = useQueryClientForSession();
  return (
    <QueryClientProvider client={client}>
      <AppRoutes />
    </QueryClientProvider>
  );
}
