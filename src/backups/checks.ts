/** One verdict of `backups:verify`: what was checked, what was found and, when it failed, what to do. */
export interface BackupCheck {
  readonly id: string;
  readonly status: "pass" | "fail" | "skipped";
  readonly message: string;
  readonly fix?: string;
}

export function passed(id: string, message: string): BackupCheck {
  return { id, status: "pass", message };
}

export function failed(id: string, message: string, fix: string): BackupCheck {
  return { id, status: "fail", message, fix };
}

export function skipped(id: string, why: string): BackupCheck {
  return { id, status: "skipped", message: why };
}
