/** Bahasa Melayu: outcome cards of server-certificate and helpdesk decisions on Teams (merged into ms.ts). */
export const msDecisions = {
  'decided.endorsed': 'Diperakukan oleh {name} pada {at}. {note}',
  'decided.returnedForCsr': 'Dikembalikan untuk CSR baharu oleh {name} pada {at}: {note}',
  'decided.leadApproved': 'Diluluskan oleh agensi peneraju ({name}) pada {at}. {note}',
  'decided.onsiteApproved': 'Sokongan di lokasi diluluskan oleh {name} pada {at}; tarikh akhir: {note}.',
  'decided.onsiteRejected': 'Sokongan di lokasi ditolak oleh {name} pada {at}: {note}',
  'decided.advisoryAccepted': 'Khidmat nasihat diterima oleh {name} pada {at}; sesi pada {note}.',
  'decided.advisoryDeclined': 'Khidmat nasihat ditolak oleh {name} pada {at}: {note}',
  'decided.acknowledged': 'Diterima oleh {name} pada {at}.',
  'decided.replied': 'Dibalas oleh {name} pada {at}: {note}',
  'decided.infoRequested': 'Maklumat lanjut diminta oleh {name} pada {at}: {note}',
  'decided.resolved': 'Ditanda selesai oleh {name} pada {at}: {note}',
  'decided.onsiteRequested': 'Sokongan di lokasi dimohon oleh {name} pada {at}: {note}',
};
