export type Role = 'admin' | 'operator' | 'auditor' | 'viewer' | 'connector';
export interface UserJson {
  id: string;
  username: string;
  role: Role;
  network?: string;
  networks?: string[];
  canDownload: boolean;
  canModify: boolean;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string;
}
export interface SessionJson {
  user: UserJson;
  csrfToken: string;
  expiresAt: string;
}
export interface Page<T> {
  items: T[];
  next?: string | null;
}
