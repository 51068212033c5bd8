import type { Metadata } from "next";
import Link from "next/link";
import { FormNotices } from "@/app/_components/form-notices";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = readFormState(await searchParams, ["email", "password"], getEnv());
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <FormNotices notice={state.notice} />
      <LoginForm state={state} />
      <p className="aside">
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p className="aside">
        No account yet? <Link href={`/signup?${new URLSearchParams({ next: state.next })}`}>Create one</Link>.
      </p>
    </section>
  );
}
