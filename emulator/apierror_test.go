package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteErrorHidesInternalErrors(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	writeError(rec, errTokenRejected)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), errTokenRejected.Error()) {
		t.Fatalf("status %d body %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), `"code":"internal_clerk_error"`) || rec.Header().Get("Clerk-Trace-Id") == "" {
		t.Fatalf("body %s", rec.Body.String())
	}
}
