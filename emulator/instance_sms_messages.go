package emulator

import (
	"net/http"
)

type smsMessage struct {
	stamp
	ID            string `json:"id"`
	PhoneNumberID string `json:"phone_number_id"`
	To            string `json:"to"`
	Message       string `json:"message"`
}

// smsFrom is the sender number the emulator reports (a reserved fictional number).
const smsFrom = "+15555550100"

// smsJSON is Clerk's SMSMessage resource (object "sms_message"); recorded, never sent.
type smsJSON struct {
	Object          string `json:"object"`
	ID              string `json:"id"`
	FromPhoneNumber string `json:"from_phone_number"`
	ToPhoneNumber   string `json:"to_phone_number"`
	PhoneNumberID   string `json:"phone_number_id"`
	Message         string `json:"message"`
	Status          string `json:"status"`
}

// createSMSRequest is the body of POST /v1/sms_messages.
type createSMSRequest struct {
	PhoneNumberID *string `json:"phone_number_id"`
	Message       *string `json:"message"`
}

func (e *Emulator) createSMS(r *http.Request, req *createSMSRequest) (int, any, error) {
	if req.PhoneNumberID == nil || *req.PhoneNumberID == "" {
		return 0, nil, errParamMissing("phone_number_id")
	}
	if req.Message == nil || *req.Message == "" {
		return 0, nil, errParamMissing("message")
	}
	to, ok := e.st.Phones[*req.PhoneNumberID]
	if !ok {
		return 0, nil, errParamValue("phone_number_id", "phone_number_id must be the id of an existing phone number")
	}
	m := &smsMessage{stamp: e.st.newStamp(e.nowMillis()), ID: newID("sms_"), PhoneNumberID: to.ID,
		To: to.Number, Message: *req.Message}
	e.st.SentSMS[m.ID] = m
	return http.StatusOK, smsJSON{Object: "sms_message", ID: m.ID, FromPhoneNumber: smsFrom,
		ToPhoneNumber: m.To, PhoneNumberID: m.PhoneNumberID, Message: m.Message, Status: "queued"}, nil
}
