import type { Metadata } from "next";
import { AuthForm } from "@/app/_components/auth-form";
import { ANY_CODE_FIELD, TOTP_CODE_FIELD } from "@/app/_components/code-fields";
import { FormNotices } from "@/app/_components/form-notices";
import { CURRENT_PASSWORD_FIELD } from "@/app/_components/password-fields";
import { requireUser } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { getEnv } from "@/lib/env";
import { withNotice } from "@/lib/routes";
import { getPendingTotpSetup, getTwoFactorStatus } from "@/lib/two-factor";
import { RecoveryCodesLeft } from "@/app/_components/recovery-codes-left";

export const metadata: Metadata = { title: "Two-factor authentication" };

const PAGE = "/settings/two-factor";
const CODES_PAGE = "/settings/two-factor/recovery-codes";

/** The base32 key in groups of four, as authenticator apps print it: easier to type by hand. */
function groupKey(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { user } = await requireUser();
  const state = readFormState(await searchParams, ["currentPassword", "code"], getEnv());
  const status = await getTwoFactorStatus(user.id);
  const pending = status.enabled ? null : await getPendingTotpSetup(user.id);

  if (status.enabled) {
    return (
      <section className="card narrow">
        <h1>Two-factor authentication</h1>
        <FormNotices notice={state.notice} error={state.error} />
        <p>
          Two-factor authentication is <strong>on</strong>. Signing in asks for a code from your authenticator app after
          your password.
        </p>
        <RecoveryCodesLeft count={status.recoveryCodesLeft} />

        <h2>New recovery codes</h2>
        <p className="aside">
          Makes a new set of 10 codes; the old ones stop working, and every other device is signed out.
        </p>
        <AuthForm
          action="/api/auth/mfa/recovery-codes"
          next={CODES_PAGE}
          enhance={false}
          submitLabel="Make new recovery codes"
          pendingLabel="Making codes…"
          initialFieldErrors={{}}
          fields={[TOTP_CODE_FIELD]}
        />

        <h2>Turn off two-factor</h2>
        <p className="aside">Signing in will take only your password again. Every other device is signed out.</p>
        <AuthForm
          action="/api/auth/mfa/totp/disable"
          next={withNotice(PAGE, "two-factor-disabled")}
          submitLabel="Turn off two-factor"
          pendingLabel="Turning off…"
          initialFieldErrors={state.fields.currentPassword ? { currentPassword: state.fields.currentPassword } : {}}
          fields={[CURRENT_PASSWORD_FIELD, ANY_CODE_FIELD]}
        />
      </section>
    );
  }

  if (pending) {
    return (
      <section className="card narrow">
        <h1>Two-factor authentication</h1>
        <FormNotices notice={state.notice} />
        <p>
          Two-factor authentication is <strong>off</strong> until you confirm a code below.
        </p>
        <h2>1. Add this account to your authenticator app</h2>
        <p className="aside">Scan the QR code with an authenticator app (any app for time-based one-time codes).</p>
        {/* The server-rendered SVG as an image: no external QR service, nothing inline for the CSP
            to refuse (img-src allows data:), and an SVG in an <img> runs no script. next/image would
            add nothing for a data: URL. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          className="qr-code"
          src={`data:image/svg+xml;base64,${Buffer.from(pending.qrSvg).toString("base64")}`}
          alt="QR code holding this account's setup key, for your authenticator app"
          width={200}
          height={200}
        />
        <p>
          <span id="setup-key-label">Can&apos;t scan it? Enter this setup key instead</span>:{" "}
          <code className="setup-key" aria-labelledby="setup-key-label">
            {groupKey(pending.secret)}
          </code>
        </p>
        <p className="aside">
          On this phone? <a href={pending.uri}>Open it in your authenticator app</a>.
        </p>
        <h2>2. Confirm with a code</h2>
        <AuthForm
          action="/api/auth/mfa/totp/enable"
          next={CODES_PAGE}
          enhance={false}
          submitLabel="Turn on two-factor"
          pendingLabel="Checking…"
          initialError={state.error}
          initialFieldErrors={state.fields}
          fields={[TOTP_CODE_FIELD]}
        />
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>Two-factor authentication</h1>
      <FormNotices notice={state.notice} />
      <p>
        Two-factor authentication is <strong>off</strong>.
      </p>
      <p className="aside">
        With it on, signing in takes your password and a 6-digit code from an authenticator app on your phone, so a
        stolen password alone is not enough. Enter your password to start.
      </p>
      <AuthForm
        action="/api/auth/mfa/totp/setup"
        next={PAGE}
        submitLabel="Set up two-factor"
        pendingLabel="Starting…"
        initialError={state.error}
        initialFieldErrors={state.fields}
        fields={[CURRENT_PASSWORD_FIELD]}
      />
    </section>
  );
}
