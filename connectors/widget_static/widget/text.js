// Every word the widget shows, in one place, so comms staff can review them,
// and the few fixed values the parts of the widget share.

export const STATIC_PATH = "/webhooks/widget/static/";
export const STORAGE_KEY = "wp-chat-id";
export const DEFAULT_COLOUR = "#1d4f91";
export const DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather";

export const TEXT = {
  defaultName: "Warwickshire Police",
  title: (name) => `${name} chat`,
  launcher: "Chat",
  launcherDetail: (name) => ` with the ${name} assistant`,
  subtitle: "Automated assistant. Not monitored by staff.",
  emergency: "In danger now? Call 999. If you cannot speak, call 999 from a mobile, stay on the line and press 55 when asked.",
  close: "Close",
  closeDetail: " chat",
  clear: "Clear conversation",
  cleared: "Conversation cleared. You can start again.",
  safetyTitle: "Staying safe online",
  safety: [
    "Exit this page leaves quickly, but your browser history will still show this website.",
    "If someone might check this device, use a private window, or a device they cannot get to.",
    "Deleting your history can itself make someone suspicious, so think about whether that is safe for you.",
    "This chat keeps nothing on your device. Clear conversation deletes it from our system too.",
  ],
  logLabel: "Conversation",
  scrollLabel: "Chat messages",
  botSays: "Assistant: ",
  youSaid: "You: ",
  choices: "Choose a reply",
  inputLabel: "Your message",
  placeholder: "Type your message",
  send: "Send",
  replying: "The assistant is replying",
  waitForReply: "Please wait for the assistant to reply.",
  continuing:
    "You are carrying on a conversation from earlier in this tab. Earlier messages are not shown, so that they are not kept on this device. To start again, choose Clear conversation.",
  newTab: " (opens in a new tab)",
  language: "Language",
  exit: "Exit this page",
  exitLoading: "Loading.",
  shiftTwoMore: "Shift, press 2 more times to exit.",
  shiftOneMore: "Shift, press 1 more time to exit.",
  shiftExpired: "Exit this page expired.",
  errors: {
    network:
      "Sorry, we cannot reach the assistant just now. Anything you typed is still in the box, so you can try again in a moment. If you are in danger now, call 999.",
    timeout:
      "Sorry, the assistant is taking too long to reply. Anything you typed is still in the box, so you can try again. If you are in danger now, call 999.",
    unexpected: "Sorry, something went wrong. Please try again. If you are in danger now, call 999.",
    413: "That message is too long. Please make it shorter and try again.",
    429: "You are sending messages faster than the assistant can reply. Please wait a moment and try again.",
  },
};

// The languages a person can choose (issue 18), each with the widget's own words in it:
// drafts, like the assistant's translations (bot/content/translations/), until a qualified
// translator has checked them. English words come from TEXT above.
export const LANGUAGES = {
  en: { name: "English", dir: "ltr" },
  pl: {
    name: "Polski",
    dir: "ltr",
    exit: "Opuść tę stronę",
    emergency: "Grozi ci niebezpieczeństwo? Zadzwoń pod 999. Jeśli nie możesz mówić, zadzwoń pod 999 z komórki, nie rozłączaj się i naciśnij 55, gdy usłyszysz prośbę.",
    placeholder: "Wpisz wiadomość",
    send: "Wyślij",
    language: "Język",
  },
  pa: {
    name: "ਪੰਜਾਬੀ",
    dir: "ltr",
    exit: "ਇਹ ਪੰਨਾ ਛੱਡੋ",
    emergency: "ਹੁਣ ਖ਼ਤਰੇ ਵਿੱਚ ਹੋ? 999 'ਤੇ ਫ਼ੋਨ ਕਰੋ। ਜੇ ਤੁਸੀਂ ਬੋਲ ਨਹੀਂ ਸਕਦੇ, ਤਾਂ ਮੋਬਾਈਲ ਤੋਂ 999 'ਤੇ ਫ਼ੋਨ ਕਰੋ, ਲਾਈਨ 'ਤੇ ਬਣੇ ਰਹੋ ਅਤੇ ਜਦੋਂ ਕਿਹਾ ਜਾਵੇ ਤਾਂ 55 ਦਬਾਓ।",
    placeholder: "ਆਪਣਾ ਸੁਨੇਹਾ ਲਿਖੋ",
    send: "ਭੇਜੋ",
    language: "ਭਾਸ਼ਾ",
  },
  gu: {
    name: "ગુજરાતી",
    dir: "ltr",
    exit: "આ પેજ છોડો",
    emergency: "અત્યારે જોખમમાં છો? 999 પર ફોન કરો. જો તમે બોલી ન શકો, તો મોબાઇલથી 999 પર ફોન કરો, લાઇન પર રહો અને પૂછવામાં આવે ત્યારે 55 દબાવો.",
    placeholder: "તમારો સંદેશ લખો",
    send: "મોકલો",
    language: "ભાષા",
  },
  pt: {
    name: "Português",
    dir: "ltr",
    exit: "Sair desta página",
    emergency: "Em perigo agora? Ligue 999. Se não puder falar, ligue 999 de um telemóvel, fique em linha e carregue no 55 quando lhe pedirem.",
    placeholder: "Escreva a sua mensagem",
    send: "Enviar",
    language: "Língua",
  },
  ro: {
    name: "Română",
    dir: "ltr",
    exit: "Ieșiți de pe pagină",
    emergency: "Sunteți în pericol acum? Sunați la 999. Dacă nu puteți vorbi, sunați la 999 de pe mobil, rămâneți la telefon și apăsați 55 când vi se cere.",
    placeholder: "Scrieți mesajul",
    send: "Trimiteți",
    language: "Limba",
  },
  ur: {
    name: "اردو",
    dir: "rtl",
    exit: "یہ صفحہ چھوڑیں",
    emergency: "ابھی خطرے میں ہیں؟ 999 پر کال کریں۔ اگر آپ بول نہیں سکتے، تو موبائل سے 999 پر کال کریں، لائن پر رہیں اور جب کہا جائے تو 55 دبائیں۔",
    placeholder: "اپنا پیغام لکھیں",
    send: "بھیجیں",
    language: "زبان",
  },
};
