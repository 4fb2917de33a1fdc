// Shapes of the hujiaod REST API (/api/v1) as the console uses them.
// Times are ISO 8601 UTC strings; ids are opaque strings.

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string;
  phone: string;
  department_id: string | null;
  role_ids: string[];
  enabled: boolean;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserCreate {
  username: string;
  password: string;
  display_name?: string;
  email?: string;
  phone?: string;
  department_id?: string | null;
  role_ids?: string[];
  enabled?: boolean;
}

export type UserPatch = Partial<Omit<UserCreate, 'password' | 'username'>>;

export interface Department {
  id: string;
  name: string;
  parent_id: string | null;
  description: string;
  created_at?: string;
  updated_at?: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  permissions: string[];
  scope: string;
  builtin: boolean;
}

export interface Permission {
  name: string;
  description: string;
}

export interface AuditEntry {
  id: string;
  ts: string;
  user_id: string | null;
  username: string | null;
  action: string;
  resource: string;
  resource_id: string | null;
  before: unknown;
  after: unknown;
  source_address: string | null;
}

export interface Me {
  user: User;
  permissions: string[];
  scope: string;
  department_ids: string[];
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: User;
}
