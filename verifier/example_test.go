package verifier_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/authsvc/authsvc/verifier"
	"github.com/authsvc/authsvc/verifier/verifiertest"
)

// Example verifies a session token minted by a fake Clerk issuer, with the
// key set fetched from the issuer's JWKS endpoint.
func Example() {
	t := &testing.T{} // verifiertest takes a testing.TB; examples have none.
	iss := verifiertest.NewIssuer(t)
	defer iss.Server.Close()

	v, err := verifier.New(iss.Config())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Close()

	token := iss.Mint(t, map[string]any{"sub": "user_2abc", "sid": "sess_2xyz"})
	claims, err := v.Verify(context.Background(), token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.UserID, claims.SessionID, claims.Version)

	expired := iss.Mint(t, map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})
	_, err = v.Verify(context.Background(), expired)
	fmt.Println(verifier.ReasonOf(err), errors.Is(err, verifier.ErrExpired))
	// Output:
	// user_2abc sess_2xyz 1
	// token-expired true
}
