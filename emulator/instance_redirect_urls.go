package emulator

import (
	"net/http"
	"net/url"
)

type redirectURL struct {
	stamp
	ID  string `json:"id"`
	URL string `json:"url"`
}

// redirectURLJSON is Clerk's RedirectUrl resource (object "redirect_url").
type redirectURLJSON struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	URL       string `json:"url"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
}

func redirectURLView(u *redirectURL) redirectURLJSON {
	return redirectURLJSON{Object: "redirect_url", ID: u.ID, URL: u.URL, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func (e *Emulator) listRedirectURLs(*http.Request, *noBody) (int, any, error) {
	out := []redirectURLJSON{}
	for _, u := range sorted(e.st.RedirectURLs) {
		out = append(out, redirectURLView(u))
	}
	return http.StatusOK, out, nil
}

// createRedirectURLRequest is the body of POST /v1/redirect_urls.
type createRedirectURLRequest struct {
	URL *string `json:"url"`
}

func (e *Emulator) createRedirectURL(r *http.Request, req *createRedirectURLRequest) (int, any, error) {
	if req.URL == nil || *req.URL == "" {
		return 0, nil, errParamMissing("url")
	}
	if u, err := url.Parse(*req.URL); err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return 0, nil, errParamInvalid("url", "url must be an absolute URL")
	}
	for _, u := range e.st.RedirectURLs {
		if u.URL == *req.URL {
			return 0, nil, errDuplicate("the redirect url already exists")
		}
	}
	u := &redirectURL{stamp: e.st.newStamp(e.nowMillis()), ID: newID("ru_"), URL: *req.URL}
	e.st.RedirectURLs[u.ID] = u
	return http.StatusOK, redirectURLView(u), nil
}

func (e *Emulator) getRedirectURL(r *http.Request, _ *noBody) (int, any, error) {
	u, ok := e.st.RedirectURLs[r.PathValue("id")]
	if !ok {
		return 0, nil, errNotFound("redirect url")
	}
	return http.StatusOK, redirectURLView(u), nil
}

func (e *Emulator) deleteRedirectURL(r *http.Request, _ *noBody) (int, any, error) {
	id := r.PathValue("id")
	if _, ok := e.st.RedirectURLs[id]; !ok {
		return 0, nil, errNotFound("redirect url")
	}
	delete(e.st.RedirectURLs, id)
	return http.StatusOK, deletedObject{Object: "redirect_url", ID: id, Deleted: true}, nil
}
