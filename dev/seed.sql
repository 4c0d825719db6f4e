-- Demo data for `make dev`: a few comments and the campaign's replies, some in Khmer.
-- Invented for the demo; no personal data.
INSERT INTO comments (id, parent_id, thread_id, name, body, lang, status, is_campaign, created_at) VALUES
  (1, NULL, 1, 'A supporter', 'I am a simple supporter and want to be an active supporter. How can I help?', 'en', 'approved', 0, 1767225600),
  (2, 1, 1, 'The campaign', 'If you are in Phnom Penh, we can meet and discuss. Thank you for your support: democracy needs each and every one of us.', 'en', 'approved', 1, 1767312000),
  (3, NULL, 3, 'Student visitor', 'We hope to come to Cambodia in the spring for two weeks. Would it be possible to work with you?', 'en', 'approved', 0, 1769904000),
  (4, NULL, 4, 'អ្នកគាំទ្រ', 'សូមគោរពជូនលោកជំទាវ! ខ្ញុំចង់ចូលរួមក្នុងសកម្មភាពរបស់លោកជំទាវដោយក្តីរីករាយបំផុត។', 'km', 'approved', 0, 1772323200),
  (5, 4, 4, 'The campaign', 'អរគុណច្រើនសម្រាប់ការគាំទ្រ។ សូមចុះឈ្មោះនៅផ្នែក «ចូលរួម» ហើយយើងនឹងទាក់ទងទៅវិញ។', 'km', 'approved', 1, 1772409600),
  (6, NULL, 6, 'A young reader', 'I want to give but I do not know where. Can you please tell me?', 'en', 'approved', 0, 1775001600);
