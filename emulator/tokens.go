package emulator

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

var b64 = base64.RawURLEncoding

// jwk is one RSA public key of the JWKS, in Clerk's shape.
type jwk struct {
	Use string `json:"use"`
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

type jwks struct {
	Keys []jwk `json:"keys"`
}

// jwks returns the key set holding the emulator's one signing key.
func (e *Emulator) jwks() jwks {
	pub := e.key.PublicKey
	return jwks{Keys: []jwk{{
		Use: "sig", Kty: "RSA", Kid: e.kid, Alg: "RS256",
		N: b64.EncodeToString(pub.N.Bytes()),
		E: b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// header is the JOSE header of the emulator's RS256 tokens with typ
// ("JWT" for session and M2M tokens, "at+jwt" for OAuth access tokens).
func (e *Emulator) header(typ string) map[string]string {
	return map[string]string{"alg": "RS256", "typ": typ, "kid": e.kid}
}

// sign returns the compact RS256 JWS of claims under header, signed with
// the emulator's key.
func (e *Emulator) sign(header map[string]string, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("emulator: encode token header: %w", err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("emulator: encode token claims: %w", err)
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, e.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("emulator: sign token: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

var errTokenRejected = errors.New("emulator: token rejected")

// parseOwnToken checks that token is a JWS signed by the emulator's key and
// not expired, and returns its claims. It is used by the verify endpoints;
// the error never contains the token.
func (e *Emulator) parseOwnToken(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errTokenRejected
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errTokenRejected
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&e.key.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return nil, errTokenRejected
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errTokenRejected
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if dec.Decode(&claims) != nil {
		return nil, errTokenRejected
	}
	exp, ok := claims["exp"].(json.Number)
	if !ok {
		return nil, errTokenRejected
	}
	if n, err := exp.Int64(); err != nil || e.now().Unix() >= n {
		return nil, errTokenRejected
	}
	return claims, nil
}

// sessionClaims builds the v1 session-token claim set for s. The caller
// holds e.mu.
func (e *Emulator) sessionClaims(s *session, ttl time.Duration) map[string]any {
	now := e.now().Unix()
	claims := map[string]any{
		"iss": e.issuer,
		"sub": s.UserID,
		"sid": s.ID,
		"iat": now,
		"nbf": now - 10,
		"exp": now + int64((ttl+time.Second-1)/time.Second), // sub-second ttls round up
	}
	if s.Azp != "" {
		claims["azp"] = s.Azp
	}
	if m := e.st.activeMembership(s); m != nil {
		org := e.st.Orgs[m.OrgID]
		claims["org_id"] = org.ID
		claims["org_slug"] = org.Slug
		claims["org_role"] = m.Role
		claims["org_permissions"] = permissionsFor(m.Role)
	}
	return claims
}
