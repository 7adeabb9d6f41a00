/**
 * The contract's error texts (spec 3.3): the original deployment's own Vietnamese messages,
 * which CRM operators read. Per-field details in the additive `errors` array are bilingual
 * short English codes plus a Vietnamese sentence.
 */
export const ContractMessage = {
  invalidInput: 'Tham số đầu vào không hợp lệ.',
  missingField: 'Dữ liệu đầu vào thiếu thông tin bắt buộc.',
  badDatetime: 'Sử dụng sai format các trường dữ liệu kiểu DATETIME.',
  badContentType: 'Kiểu dữ liệu đầu vào không hợp lệ, kiểm tra "Content-Type" của HTTP Request Header.',
  campaignExists: 'CampaignId đã tồn tại. Không thể tạo campaign mới trùng với ID của campaign cũ.',
  campaignUnknown: 'CampaignId không tồn tại.',
  storeUnavailable: 'Hệ thống tạm thời không lưu được dữ liệu, vui lòng thử lại sau.',
} as const;

export type ContractMessageKey = keyof typeof ContractMessage;
