// Departments and roles, loaded once per page for pickers and name columns.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/session';
import { departmentsApi, rolesApi } from '../../api/resources';
import type { Department, Role } from '../../api/types';

export interface TreeNode {
  key: string;
  value: string;
  title: string;
  children: TreeNode[];
}

/** Builds the department tree from the flat list; unknown parents make a node a root. */
export function buildDepartmentTree(deps: readonly Department[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  for (const d of deps) nodes.set(d.id, { key: d.id, value: d.id, title: d.name, children: [] });
  const roots: TreeNode[] = [];
  for (const d of deps) {
    const node = nodes.get(d.id)!;
    const parent = d.parent_id ? nodes.get(d.parent_id) : undefined;
    if (parent && parent !== node && !isAncestor(node, parent)) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.title.localeCompare(b.title));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** Guards against a parent cycle in bad data (a node would vanish from the tree). */
function isAncestor(node: TreeNode, maybeDescendant: TreeNode): boolean {
  const stack = [...node.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === maybeDescendant) return true;
    stack.push(...n.children);
  }
  return false;
}

export function useDepartments(enabled = true) {
  const [departments, setDepartments] = useState<Department[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    const ctrl = new AbortController();
    departmentsApi(api)
      .all(ctrl.signal)
      .then((d) => {
        setDepartments(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e);
      });
    return () => ctrl.abort();
  }, [enabled, version]);
  const tree = useMemo(() => buildDepartmentTree(departments), [departments]);
  const byId = useMemo(() => new Map(departments.map((d) => [d.id, d])), [departments]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { departments, tree, byId, error, reload };
}

export function useRoles(enabled = true) {
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    const ctrl = new AbortController();
    rolesApi(api)
      .all(ctrl.signal)
      .then((r) => {
        setRoles(r);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e);
      });
    return () => ctrl.abort();
  }, [enabled, version]);
  const byId = useMemo(() => new Map(roles.map((r) => [r.id, r])), [roles]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { roles, byId, error, reload };
}
