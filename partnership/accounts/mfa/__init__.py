"""Second factors: authenticator apps (TOTP), passkeys (WebAuthn), recovery codes, step-up."""
