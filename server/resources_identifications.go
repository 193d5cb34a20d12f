package server

import (
	"context"

	"github.com/authsvc/authsvc/backendapi"
	pb "github.com/authsvc/authsvc/gen/authsvc/v1"
)

// Identification RPCs: email addresses and phone numbers.

// GetEmailAddress returns one email address.
func (s *Server) GetEmailAddress(ctx context.Context, req *pb.GetEmailAddressRequest) (*pb.GetEmailAddressResponse, error) {
	if err := requireIDs("email_address_id", req.GetEmailAddressId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetEmailAddressResponse](s, "email_address", func(b *backendapi.Client) (*backendapi.EmailAddress, error) {
		return b.EmailAddresses.Get(ctx, req.GetEmailAddressId())
	})
}

// CreateEmailAddress adds an email address to a user.
func (s *Server) CreateEmailAddress(ctx context.Context, req *pb.CreateEmailAddressRequest) (*pb.CreateEmailAddressResponse, error) {
	p := &backendapi.CreateEmailAddressParams{UserID: req.GetUserId(), EmailAddress: req.GetEmailAddress(), Verified: req.Verified, Primary: req.Primary}
	return proxy[pb.CreateEmailAddressResponse](s, "email_address", func(b *backendapi.Client) (*backendapi.EmailAddress, error) {
		return b.EmailAddresses.Create(ctx, p)
	})
}

// UpdateEmailAddress changes an email address's verified and primary flags.
func (s *Server) UpdateEmailAddress(ctx context.Context, req *pb.UpdateEmailAddressRequest) (*pb.UpdateEmailAddressResponse, error) {
	if err := requireIDs("email_address_id", req.GetEmailAddressId()); err != nil {
		return nil, err
	}
	p := &backendapi.UpdateEmailAddressParams{Verified: req.Verified, Primary: req.Primary}
	return proxy[pb.UpdateEmailAddressResponse](s, "email_address", func(b *backendapi.Client) (*backendapi.EmailAddress, error) {
		return b.EmailAddresses.Update(ctx, req.GetEmailAddressId(), p)
	})
}

// DeleteEmailAddress deletes an email address.
func (s *Server) DeleteEmailAddress(ctx context.Context, req *pb.DeleteEmailAddressRequest) (*pb.DeleteEmailAddressResponse, error) {
	if err := requireIDs("email_address_id", req.GetEmailAddressId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeleteEmailAddressResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.EmailAddresses.Delete(ctx, req.GetEmailAddressId())
	})
}

// GetPhoneNumber returns one phone number.
func (s *Server) GetPhoneNumber(ctx context.Context, req *pb.GetPhoneNumberRequest) (*pb.GetPhoneNumberResponse, error) {
	if err := requireIDs("phone_number_id", req.GetPhoneNumberId()); err != nil {
		return nil, err
	}
	return proxy[pb.GetPhoneNumberResponse](s, "phone_number", func(b *backendapi.Client) (*backendapi.PhoneNumber, error) {
		return b.PhoneNumbers.Get(ctx, req.GetPhoneNumberId())
	})
}

// CreatePhoneNumber adds a phone number to a user.
func (s *Server) CreatePhoneNumber(ctx context.Context, req *pb.CreatePhoneNumberRequest) (*pb.CreatePhoneNumberResponse, error) {
	p := &backendapi.CreatePhoneNumberParams{UserID: req.GetUserId(), PhoneNumber: req.GetPhoneNumber(), Verified: req.Verified, Primary: req.Primary}
	return proxy[pb.CreatePhoneNumberResponse](s, "phone_number", func(b *backendapi.Client) (*backendapi.PhoneNumber, error) {
		return b.PhoneNumbers.Create(ctx, p)
	})
}

// UpdatePhoneNumber changes a phone number's verified and primary flags.
func (s *Server) UpdatePhoneNumber(ctx context.Context, req *pb.UpdatePhoneNumberRequest) (*pb.UpdatePhoneNumberResponse, error) {
	if err := requireIDs("phone_number_id", req.GetPhoneNumberId()); err != nil {
		return nil, err
	}
	p := &backendapi.UpdatePhoneNumberParams{Verified: req.Verified, Primary: req.Primary}
	return proxy[pb.UpdatePhoneNumberResponse](s, "phone_number", func(b *backendapi.Client) (*backendapi.PhoneNumber, error) {
		return b.PhoneNumbers.Update(ctx, req.GetPhoneNumberId(), p)
	})
}

// DeletePhoneNumber deletes a phone number.
func (s *Server) DeletePhoneNumber(ctx context.Context, req *pb.DeletePhoneNumberRequest) (*pb.DeletePhoneNumberResponse, error) {
	if err := requireIDs("phone_number_id", req.GetPhoneNumberId()); err != nil {
		return nil, err
	}
	return proxy[pb.DeletePhoneNumberResponse](s, "deleted_object", func(b *backendapi.Client) (*backendapi.DeletedObject, error) {
		return b.PhoneNumbers.Delete(ctx, req.GetPhoneNumberId())
	})
}
