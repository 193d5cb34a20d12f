package emulator

import (
	"net/http"
)

type smsMessage struct {
	stamp
	id, phoneNumberID, to, message string
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
	CreatedAt       int64  `json:"created_at"`
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
	to, ok := e.st.phones[*req.PhoneNumberID]
	if !ok {
		return 0, nil, errParamValue("phone_number_id", "phone_number_id must be the id of an existing phone number")
	}
	m := &smsMessage{stamp: e.st.newStamp(e.nowMillis()), id: newID("sms_"), phoneNumberID: to.id,
		to: to.number, message: *req.Message}
	e.st.sentSMS[m.id] = m
	return http.StatusOK, smsJSON{Object: "sms_message", ID: m.id, FromPhoneNumber: smsFrom,
		ToPhoneNumber: m.to, PhoneNumberID: m.phoneNumberID, Message: m.message, Status: "queued",
		CreatedAt: m.createdAt}, nil
}
