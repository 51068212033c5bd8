"use client";

import { useId, useState, type FormEvent } from "react";
import { safeNextPath } from "@/lib/auth/next-path";
import styles from "./auth-form.module.css";

export type AuthField = {
  name: string;
  label: string;
  type: "email" | "password" | "text";
  autoComplete: string;
  required?: boolean;
  minLength?: number;
  hint?: string;
  /** The on-screen keyboard to offer, e.g. digits for an authenticator code. */
  inputMode?: "numeric" | "text";
};

/** A checkbox posted as "true" or "false", with or without JavaScript (see below). */
export type AuthCheckbox = { name: string; label: string; defaultChecked: boolean; hint?: string };

type Props = {
  action: string;
  next: string;
  fields: AuthField[];
  /** After the fields. */
  checkboxes?: AuthCheckbox[];
  submitLabel: string;
  pendingLabel: string;
  initialError?: string;
  initialFieldErrors: Record<string, string>;
  /** Posted as they are, e.g. the token of a mailed link. */
  hidden?: Record<string, string>;
  /**
   * Where a `{ "mfaRequired": true }` answer continues (the login of a user with two-factor on:
   * SPEC §8), instead of `next`, which that answer has not earned yet.
   */
  challengePath?: string;
  /**
   * false: no JavaScript enhancement, the browser posts the form itself. For answers whose 303
   * carries something the next page needs (the recovery codes' one-time flash cookie).
   */
  enhance?: boolean;
};

type ErrorBody = { error?: string; fields?: Record<string, string[] | undefined> };

/**
 * A plain HTML form that posts to the route handler (and works without JavaScript); with
 * JavaScript it sends JSON instead, shows errors inline and keeps the typed values.
 */
export function AuthForm({
  action,
  next,
  fields,
  checkboxes = [],
  submitLabel,
  pendingLabel,
  initialError,
  initialFieldErrors,
  hidden = {},
  challengePath,
  enhance = true,
}: Props) {
  const id = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState(initialError);
  const [fieldErrors, setFieldErrors] = useState(initialFieldErrors);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    setFieldErrors({});
    const values = Object.fromEntries(new FormData(event.currentTarget));
    try {
      const response = await fetch(action, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(values),
      });
      if (response.ok) {
        const body = (await response.json().catch(() => null)) as { mfaRequired?: unknown } | null;
        const to = challengePath && body?.mfaRequired === true ? challengePath : next;
        // A full navigation, so the proxy sees the new cookie; checked here too, whoever rendered `next` (ASVS 5.1.5).
        window.location.assign(safeNextPath(to));
        return;
      }
      const body = (await response.json().catch(() => ({}))) as ErrorBody;
      setError(body.error ?? "Something went wrong. Please try again.");
      setFieldErrors(Object.fromEntries(Object.entries(body.fields ?? {}).map(([k, v]) => [k, v?.[0] ?? ""])));
    } catch {
      setError("Network error. Check your connection and try again.");
    }
    setPending(false);
  }

  const errorId = `${id}-error`;
  return (
    <form method="post" action={action} onSubmit={enhance ? onSubmit : undefined} noValidate aria-describedby={error ? errorId : undefined}>
      {error ? (
        <p id={errorId} role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      <input type="hidden" name="next" value={next} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => {
        const inputId = `${id}-${field.name}`;
        const message = fieldErrors[field.name];
        const describedBy = [message ? `${inputId}-error` : null, field.hint ? `${inputId}-hint` : null].filter(Boolean).join(" ");
        return (
          <div className="field" key={field.name}>
            <label htmlFor={inputId}>{field.label}</label>
            <input
              id={inputId}
              name={field.name}
              type={field.type}
              autoComplete={field.autoComplete}
              required={field.required}
              minLength={field.minLength}
              inputMode={field.inputMode}
              aria-invalid={message ? true : undefined}
              aria-describedby={describedBy || undefined}
            />
            {field.hint ? (
              <p id={`${inputId}-hint`} className="hint">
                {field.hint}
              </p>
            ) : null}
            {message ? (
              <p id={`${inputId}-error`} className="field-error">
                {message}
              </p>
            ) : null}
          </div>
        );
      })}
      {checkboxes.map((box) => {
        const inputId = `${id}-${box.name}`;
        return (
          <div className={styles.check} key={box.name}>
            {/* An unticked box sends nothing at all, so a hidden "false" comes first and the box's
                "true" after it: the last value of a name wins, both in the route's form parser and
                in the JSON built from FormData above, so every post says which. */}
            <input type="hidden" name={box.name} value="false" />
            <input id={inputId} name={box.name} type="checkbox" value="true" defaultChecked={box.defaultChecked} aria-describedby={box.hint ? `${inputId}-hint` : undefined} />
            <label htmlFor={inputId}>{box.label}</label>
            {box.hint ? (
              <p id={`${inputId}-hint`} className="hint">
                {box.hint}
              </p>
            ) : null}
          </div>
        );
      })}
      <button type="submit" disabled={pending} aria-busy={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </form>
  );
}
