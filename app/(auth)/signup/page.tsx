import type { Metadata } from "next";
import Link from "next/link";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { loginPath } from "@/lib/routes";
import { SignupForm } from "./signup-form";

export const metadata: Metadata = { title: "Create account" };

export default async function SignupPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const env = getEnv();
  const state = readFormState(await searchParams, ["name", "email", "password"], env);
  return (
    <section className="card narrow">
      <h1>Create account</h1>
      <SignupForm state={state} passwordMinLength={env.passwordMinLength} />
      <p className="aside">
        Already have an account? <Link href={loginPath(state.next)}>Sign in</Link>.
      </p>
    </section>
  );
}
